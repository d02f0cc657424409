/**
 * OpenAPI links: how the answer of one operation feeds the parameters of the next (a created record's id into its
 * read, patch, history, ...). Clients and API fuzzers (Schemathesis' stateful phase) follow them to reach real
 * resources instead of guessing ids.
 */

type Method = 'get' | 'post' | 'patch' | 'delete';

interface LinkTarget {
  method: Method;
  path: string;
  parameters?: Record<string, string>;
  requestBody?: unknown;
}

interface LinkSource {
  method: Method;
  path: string;
  status: string;
  links: Record<string, LinkTarget>;
}

const record = { entity: '$request.path.entity', id: '$response.body#/id' };
const recordPath = '/api/records/{entity}/{id}';
const processId = { id: '$response.body#/id' };
const firstTask = { id: '$response.body#/items/0/id' };

export const openApiLinks: LinkSource[] = [
  {
    method: 'post', path: '/api/records/{entity}', status: '201',
    links: {
      ReadRecord: { method: 'get', path: recordPath, parameters: record },
      PatchRecord: { method: 'patch', path: recordPath, parameters: record },
      DeleteRecord: { method: 'delete', path: recordPath, parameters: record },
      RecordHistory: { method: 'get', path: `${recordPath}/history`, parameters: record },
      RecordStages: { method: 'get', path: `${recordPath}/stages`, parameters: record },
      MoveStage: { method: 'post', path: `${recordPath}/stage`, parameters: record },
      RestoreRecord: { method: 'post', path: `${recordPath}/restore`, parameters: record },
      ReviewRecord: { method: 'post', path: `${recordPath}/review`, parameters: record },
      StartProcess: {
        method: 'post', path: '/api/processes',
        requestBody: { process: 'quote-approval', entity: '$request.path.entity', recordId: '$response.body#/id' },
      },
    },
  },
  {
    method: 'post', path: '/api/processes', status: '201',
    links: {
      ReadProcess: { method: 'get', path: '/api/processes/{id}', parameters: processId },
      CancelProcess: { method: 'post', path: '/api/processes/{id}/cancel', parameters: processId },
      RecallProcess: { method: 'post', path: '/api/processes/{id}/recall', parameters: processId },
      DeliverEvent: { method: 'post', path: '/api/processes/{id}/events/{name}', parameters: processId },
    },
  },
  {
    method: 'get', path: '/api/inbox', status: '200',
    links: {
      ReadTask: { method: 'get', path: '/api/tasks/{id}', parameters: firstTask },
      ClaimTask: { method: 'post', path: '/api/tasks/{id}/claim', parameters: firstTask },
      ReleaseTask: { method: 'post', path: '/api/tasks/{id}/release', parameters: firstTask },
      CompleteTask: { method: 'post', path: '/api/tasks/{id}/complete', parameters: firstTask },
      DelegateTask: { method: 'post', path: '/api/tasks/{id}/delegate', parameters: firstTask },
    },
  },
  {
    method: 'post', path: '/api/webhooks', status: '201',
    links: { DeleteWebhook: { method: 'delete', path: '/api/webhooks/{id}', parameters: { id: '$response.body#/id' } } },
  },
  {
    method: 'post', path: '/api/delegations', status: '201',
    links: { RevokeDelegation: { method: 'delete', path: '/api/delegations/{id}', parameters: { id: '$response.body#/id' } } },
  },
  {
    method: 'post', path: '/api/records/{entity}/import', status: '202',
    links: {
      ImportJob: { method: 'get', path: '/api/records/{entity}/import/{job}', parameters: { entity: '$request.path.entity', job: '$response.body#/job' } },
    },
  },
  {
    method: 'get', path: '/api/notifications', status: '200',
    links: { ReadNotification: { method: 'post', path: '/api/notifications/{id}/read', parameters: { id: '$response.body#/items/0/id' } } },
  },
];

/** `#/paths/~1api~1records/get`: a JSON pointer to an operation of this document. */
const operationRef = (method: Method, path: string) => `#/paths/${path.replace(/~/g, '~0').replace(/\//g, '~1')}/${method}`;

interface Document { paths?: Record<string, Record<string, { responses?: Record<string, Record<string, unknown>> }>> }

/** Adds the links to the generated document; a link whose source or target operation is missing is an error. */
export function withLinks<T extends Document>(document: T, links: LinkSource[] = openApiLinks): T {
  for (const source of links) {
    const response = document.paths?.[source.path]?.[source.method]?.responses?.[source.status];
    if (!response) throw new Error(`OpenAPI link source ${source.method.toUpperCase()} ${source.path} ${source.status} does not exist`);
    response.links = Object.fromEntries(Object.entries(source.links).map(([name, target]) => {
      if (!document.paths?.[target.path]?.[target.method]) throw new Error(`OpenAPI link ${name} targets ${target.method.toUpperCase()} ${target.path}, which does not exist`);
      return [name, {
        operationRef: operationRef(target.method, target.path),
        ...(target.parameters ? { parameters: target.parameters } : {}),
        ...(target.requestBody ? { requestBody: target.requestBody } : {}),
      }];
    }));
  }
  return document;
}
