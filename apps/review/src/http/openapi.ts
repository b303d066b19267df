import { ApiBody, ApiResponse } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { applyDecorators } from '@nestjs/common';
import { z } from 'zod';

/** The zod schema that validates a body is also what /openapi.json documents: one source. */
export function ZodBody(schema: z.ZodType, required = true): MethodDecorator {
  return ApiBody({ schema: jsonSchema(schema), required });
}

export function jsonSchema(schema: z.ZodType): SchemaObject {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return rest as SchemaObject;
}

export const ErrorBody: SchemaObject = {
  type: 'object',
  properties: { statusCode: { type: 'integer' }, message: { type: 'string' }, error: { type: 'string' }, field: { type: 'string', description: 'the bad field (400 and 422)' } },
};

/** The error answers every case endpoint can give. */
export function CaseErrors(...extra: number[]): MethodDecorator {
  const all: Record<number, string> = {
    400: 'a bad field, named in `field` and `message`',
    401: 'no valid session',
    403: 'none of your roles may act on this case, or separation of duties',
    404: 'no such case in the review queue',
    409: 'claimed by someone else, already decided, or finalized',
    422: "an outcome or reason code the policy does not offer for this case (`field` names which; GET /api/cases/{id} lists the case's choices)",
    413: 'the body is larger than the limit',
    429: 'too many failed logins for this name or from this address (Retry-After says when to try again)',
    503: 'the decision could not be published; nothing was recorded',
  };
  return applyDecorators(...[401, 403, 404, ...extra].map((status) => ApiResponse({ status, description: all[status], schema: ErrorBody })));
}

/** The error answers of logging in (no session needed, so none of the case ones). */
export function LoginErrors(): MethodDecorator {
  const all: Record<number, string> = {
    400: 'a bad field, named in `field` and `message`',
    401: 'wrong username or password',
    413: 'the body is larger than the limit',
    429: 'too many failed logins for this name or from this address (Retry-After says when to try again)',
  };
  return applyDecorators(...Object.entries(all).map(([status, description]) => ApiResponse({ status: Number(status), description, schema: ErrorBody })));
}

/** The error answer of an endpoint that only needs a session (logout, who am I). */
export function SessionErrors(): MethodDecorator {
  return ApiResponse({ status: 401, description: 'no valid session (none, expired, or ended by logout)', schema: ErrorBody });
}
