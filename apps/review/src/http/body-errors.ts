import type { NextFunction, Request, Response } from 'express';

/** What body-parser throws: its `type` says which of its checks failed. */
interface BodyParserError extends Error {
  type?: string;
  status?: number;
}

/**
 * Express error middleware for the body parsers, registered right after them: a body that is not
 * valid JSON (or not a valid form) gets a 400 that says so, in the API's error shape, instead of
 * the parser's bare message ("Unexpected end of JSON input"). Other errors go on to Nest.
 */
export function bodyParseErrors(error: BodyParserError, req: Request, res: Response, next: NextFunction): void {
  if (error?.type !== 'entity.parse.failed') {
    next(error);
    return;
  }
  const json = (req.get('content-type') ?? '').includes('json');
  res.status(400).json({
    statusCode: 400,
    error: 'Bad Request',
    message: json ? `the request body is not valid JSON (${error.message})` : `the request body could not be parsed as ${req.get('content-type') ?? 'its content type'} (${error.message})`,
  });
}
