/** The contract between server actions and the browser: data, or an error code with a message. */
export interface ActionError {
  code: string;
  message: string;
  fieldErrors?: Record<string, string[]>;
}

export type ActionResult<T> = { ok: true; data: T } | { ok: false; error: ActionError };

/** User-facing text for codes whose server message is not meant for the screen. */
const MESSAGES: Record<string, string> = {
  UNAUTHENTICATED: 'Your session has ended. Sign in again.',
  FORBIDDEN: 'Your role does not allow this.',
  INTERNAL: 'Something went wrong on the server. Try again; if it persists, tell your admin.',
};

export function errorMessage(error: ActionError): string {
  return MESSAGES[error.code] ?? error.message;
}

export class ActionFailure extends Error {
  constructor(readonly error: ActionError) {
    super(errorMessage(error));
  }
}
