let token = sessionStorage.getItem('flowcrm-token');

async function api(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await response.json().catch(() => null);
  if (!response.ok) throw new Error(data?.error?.message ?? `HTTP ${response.status}`);
  return data;
}

function cell(text) {
  const td = document.createElement('td');
  td.textContent = text;
  return td;
}

async function decide(task, outcome, comment) {
  try {
    await api('POST', `/api/tasks/${encodeURIComponent(task.id)}/complete`, { outcome, comment: comment || undefined });
    await loadInbox();
  } catch (error) {
    document.getElementById('inbox-error').textContent = error.message;
  }
}

async function loadInbox() {
  const { items } = await api('GET', '/api/inbox');
  const body = document.getElementById('tasks');
  body.replaceChildren();
  for (const task of items) {
    const row = document.createElement('tr');
    row.dataset.taskId = task.id;
    const record = await api('GET', `/api/records/${task.entity}/${task.recordId}`).catch(() => null);
    const label = record ? `${record.data.customerName ?? task.recordId} · ${record.data.discountPercent ?? ''}% · ${record.data.total ?? ''}` : task.recordId;
    const comment = document.createElement('input');
    comment.name = 'comment';
    const actions = document.createElement('td');
    for (const outcome of ['approve', 'reject']) {
      const button = document.createElement('button');
      button.textContent = outcome === 'approve' ? 'Approve' : 'Reject';
      button.dataset.outcome = outcome;
      button.addEventListener('click', () => decide(task, outcome, comment.value));
      actions.append(button);
    }
    const commentCell = document.createElement('td');
    commentCell.append(comment);
    row.append(cell(task.title), cell(label), cell(task.requester ?? ''), cell(new Date(task.createdAt).toLocaleString()), commentCell, actions);
    body.append(row);
  }
  document.getElementById('empty').hidden = items.length > 0;
}

async function showInbox() {
  const me = await api('GET', '/api/auth/me');
  document.getElementById('me').textContent = me.username;
  document.getElementById('login').hidden = true;
  document.getElementById('inbox').hidden = false;
  await loadInbox();
}

document.getElementById('login').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  try {
    const result = await api('POST', '/api/auth/login', { username: form.get('username'), password: form.get('password') });
    token = result.token;
    sessionStorage.setItem('flowcrm-token', token);
    await showInbox();
  } catch (error) {
    document.getElementById('login-error').textContent = error.message;
  }
});

if (token) showInbox().catch(() => sessionStorage.removeItem('flowcrm-token'));
