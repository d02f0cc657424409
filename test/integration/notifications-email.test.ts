import net, { type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';
import { createNotificationActivities } from '../../worker/notifications/index.js';

interface Mail {
  from: string;
  to: string[];
  data: string;
}

/** Just enough SMTP to take mail: 220, EHLO/HELO 250, MAIL/RCPT 250, DATA 354, "." 250, QUIT 221. */
async function startSmtpSink(rcptReply: (address: string) => string = () => '250 OK') {
  const messages: Mail[] = [];
  const server = net.createServer((socket) => {
    let buffer = '';
    let inData = false;
    let mail: Mail = { from: '', to: [], data: '' };
    socket.write('220 sink ESMTP\r\n');
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      let end: number;
      while ((end = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (inData) {
          if (line === '.') {
            inData = false;
            messages.push(mail);
            socket.write('250 OK queued\r\n');
          } else {
            mail.data += (line.startsWith('..') ? line.slice(1) : line) + '\n';
          }
          continue;
        }
        const verb = line.slice(0, 4).toUpperCase();
        const address = /<([^>]*)>/.exec(line)?.[1] ?? '';
        if (verb === 'EHLO' || verb === 'HELO') socket.write('250 sink\r\n');
        else if (verb === 'MAIL') { mail = { from: address, to: [], data: '' }; socket.write('250 OK\r\n'); }
        else if (verb === 'RCPT') {
          const reply = rcptReply(address);
          if (reply.startsWith('250')) mail.to.push(address);
          socket.write(`${reply}\r\n`);
        } else if (verb === 'DATA') { inData = true; socket.write('354 go ahead\r\n'); }
        else if (verb === 'RSET' || verb === 'NOOP') socket.write('250 OK\r\n');
        else if (verb === 'QUIT') { socket.write('221 bye\r\n'); socket.end(); }
        else socket.write('502 not implemented\r\n');
      }
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return { messages, url: `smtp://127.0.0.1:${port}`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ worker: false });
  const connection = stack.orm.em.fork().getConnection();
  for (const [user, email] of [['sales1', 'sales1@example.com'], ['sales2', 'sales2@example.com'], ['branchmgr', 'bm@example.com'], ['finance', 'not an address']]) {
    await connection.execute(`update users set attributes = attributes || ?::jsonb where username = ?`, [JSON.stringify({ email }), user]);
  }
});
afterAll(async () => {
  await stack?.stop();
});

const from = 'flowcrm <no-reply@flowcrm.example>';
const base = { kind: 'task.assigned', title: 'Approve quote Q-7', body: 'A quote waits for you.', link: { href: 'https://crm.example/tasks/t-7' } };

describe('notification e-mail', () => {
  it('sends one message per recipient with an address and none again on retry', async () => {
    const sink = await startSmtpSink();
    try {
      const activities = createNotificationActivities({ orm: stack.orm, smtp: { url: sink.url, from } });
      const input = { ...base, to: ['sales1', 'sales2', 'hqvp', 'finance'], idempotencyKey: 'wf-7:notify' };
      const first = await activities.notifyUsers(input);
      expect(first.notificationIds).toHaveLength(4);
      expect(first.emailed).toEqual(['sales1', 'sales2']);
      expect(sink.messages.map((m) => m.to)).toEqual([['sales1@example.com'], ['sales2@example.com']]);
      expect(sink.messages[0].from).toBe('no-reply@flowcrm.example');
      expect(sink.messages[0].data).toContain('Subject: Approve quote Q-7');
      expect(sink.messages[0].data).toContain('A quote waits for you.');
      expect(sink.messages[0].data).toContain('https://crm.example/tasks/t-7');
      expect(sink.messages[0].data).toMatch(new RegExp(`Message-ID:\\s+<notification-${first.notificationIds[0]}@flowcrm\\.example>`, 'i'));

      const retry = await activities.notifyUsers(input);
      expect(retry).toEqual({ ...first, emailed: [] });
      expect(sink.messages).toHaveLength(2);
    } finally {
      await sink.close();
    }
  });

  it('retries only the recipient whose mail failed temporarily and records a permanent refusal', async () => {
    let refuseSales2 = true;
    const sink = await startSmtpSink((address) => {
      if (address === 'sales2@example.com' && refuseSales2) return '451 try again later';
      if (address === 'bm@example.com') return '550 no such mailbox';
      return '250 OK';
    });
    try {
      const activities = createNotificationActivities({ orm: stack.orm, smtp: { url: sink.url, from } });
      const input = { ...base, to: ['sales1', 'sales2', 'branchmgr'], idempotencyKey: 'wf-8:notify' };
      await expect(activities.notifyUsers(input)).rejects.toThrow(/e-mail failed for sales2/);
      expect(sink.messages.map((m) => m.to)).toEqual([['sales1@example.com']]);

      refuseSales2 = false;
      const retry = await activities.notifyUsers(input);
      expect(retry.emailed).toEqual(['sales2']);
      expect(sink.messages.map((m) => m.to)).toEqual([['sales1@example.com'], ['sales2@example.com']]);
      expect((await activities.notifyUsers(input)).emailed).toEqual([]);
      expect(sink.messages).toHaveLength(2);

      const rows = await stack.orm.em.fork().getConnection().execute(
        `select recipient, email_sent_at is not null as sent, email_error from notifications where idempotency_key like 'wf-8:%' order by recipient`);
      expect(rows).toEqual([
        { recipient: 'branchmgr', sent: false, email_error: expect.stringContaining('550') },
        { recipient: 'sales1', sent: true, email_error: null },
        { recipient: 'sales2', sent: true, email_error: null },
      ]);
    } finally {
      await sink.close();
    }
  });

  it('writes the feed without SMTP configured', async () => {
    const activities = createNotificationActivities({ orm: stack.orm });
    const result = await activities.notifyUsers({ ...base, to: ['sales1'], idempotencyKey: 'wf-9:notify' });
    expect(result).toMatchObject({ emailed: [], unknown: [] });
    const rows = await stack.orm.em.fork().getConnection().execute(`select email_to from notifications where idempotency_key = 'wf-9:notify:sales1'`);
    expect(rows).toEqual([{ email_to: null }]);
  });
});
