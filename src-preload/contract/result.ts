// How every request result crosses the renderer ⇄ main boundary (DESIGN §2).
export type IpcError = { code: string; message: string };
export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: IpcError };

export const ok = <T>(value: T): IpcResult<T> => ({ ok: true, value });
export const fail = (code: string, message: string): IpcResult<never> => ({ ok: false, error: { code, message } });
