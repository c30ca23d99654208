import type { RequestHandler } from 'express';

/** One line per request once it is answered (or abandoned): method, path, status, time taken. */
export function requestLog(log: (line: string) => void): RequestHandler {
  return (req, res, next) => {
    const start = process.hrtime.bigint();
    res.once('close', () => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      const status = res.writableFinished ? String(res.statusCode) : 'aborted';
      log(`${new Date().toISOString()} ${req.method} ${req.originalUrl} ${status} ${ms.toFixed(1)}ms`);
    });
    next();
  };
}
