import { Card } from '../ui/card';
import { TableScroll } from '../ui/table';

/** One field of a request (path, query or body), as the reference lists it. */
export interface ReferenceField {
  name: string;
  where: 'path' | 'query' | 'body';
  type: string;
  required: boolean;
  description?: string;
}

export interface ReferenceOperation {
  id: string;
  method: string;
  path: string;
  summary: string;
  description: string;
  scope: string | null;
  fields: ReferenceField[];
  responses: { status: string; description: string }[];
  curl: string;
}

/** The runtime API's reference: one section per operation, generated from the OpenAPI document. */
export function ApiReference({ operations }: { operations: ReferenceOperation[] }) {
  return (
    <div className="space-y-6">
      <nav aria-label="Endpoints" className="flex flex-wrap gap-2 text-sm">
        {operations.map((op) => (
          <a
            key={op.id}
            href={`#${op.id}`}
            className="rounded bg-zinc-100 px-2 py-1 font-mono text-xs hover:bg-zinc-200 dark:bg-zinc-800 dark:hover:bg-zinc-700"
          >
            {op.method} {op.path}
          </a>
        ))}
      </nav>
      {operations.map((op) => (
        <section key={op.id} id={op.id} aria-labelledby={`${op.id}-title`} className="scroll-mt-4">
          <Card>
            <div className="space-y-3">
              <h2 id={`${op.id}-title`} className="flex flex-wrap items-baseline gap-2">
                <span className="rounded bg-accent px-1.5 py-0.5 font-mono text-xs font-semibold text-white">
                  {op.method}
                </span>
                <code className="font-mono text-sm font-semibold break-all">{op.path}</code>
                <span className="text-sm text-zinc-600 dark:text-zinc-400">{op.summary}</span>
              </h2>
              <p className="text-sm">{op.description}</p>
              <p className="text-sm">
                {op.scope ? (
                  <>
                    Scope: <code className="font-mono text-xs">{op.scope}</code>
                  </>
                ) : (
                  'No key needed.'
                )}
              </p>
              {op.fields.length > 0 ? (
                <TableScroll label={`Parameters of ${op.method} ${op.path}`}>
                  <table className="w-full text-sm">
                    <thead className="text-left text-xs text-zinc-500 uppercase dark:text-zinc-400">
                      <tr>
                        <th className="px-3 py-2">Name</th>
                        <th className="px-3 py-2">In</th>
                        <th className="px-3 py-2">Type</th>
                        <th className="px-3 py-2">Description</th>
                      </tr>
                    </thead>
                    <tbody>
                      {op.fields.map((field) => (
                        <tr
                          key={`${field.where}-${field.name}`}
                          className="border-t border-zinc-100 align-top dark:border-zinc-800"
                        >
                          <td className="px-3 py-2 font-mono text-xs whitespace-nowrap">
                            {field.name}
                            {field.required ? (
                              <span className="text-red-700 dark:text-red-300"> *</span>
                            ) : null}
                          </td>
                          <td className="px-3 py-2 text-xs">{field.where}</td>
                          <td className="px-3 py-2 font-mono text-xs">{field.type}</td>
                          <td className="px-3 py-2 text-xs text-zinc-700 dark:text-zinc-300">
                            {field.description ?? ''}
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </TableScroll>
              ) : null}
              <div>
                <h3 className="mb-1 text-xs font-semibold text-zinc-600 uppercase dark:text-zinc-400">
                  Example
                </h3>
                <pre className="rounded bg-zinc-100 p-2 font-mono text-xs break-all whitespace-pre-wrap dark:bg-zinc-950">
                  {op.curl}
                </pre>
              </div>
              <div>
                <h3 className="mb-1 text-xs font-semibold text-zinc-600 uppercase dark:text-zinc-400">
                  Responses
                </h3>
                <ul className="space-y-0.5 text-xs">
                  {op.responses.map((r) => (
                    <li key={r.status}>
                      <code className="font-mono font-semibold">{r.status}</code> {r.description}
                    </li>
                  ))}
                </ul>
              </div>
            </div>
          </Card>
        </section>
      ))}
    </div>
  );
}
