import { formatPath } from '@hitl/contracts';
import { BadRequestException, type PipeTransform } from '@nestjs/common';
import type { z } from 'zod';

/** Validates a body or query with its zod schema; a 400 names the first bad field. */
export class ZodPipe<S extends z.ZodType> implements PipeTransform<unknown, z.output<S>> {
  constructor(private readonly schema: S) {}

  transform(value: unknown): z.output<S> {
    const result = this.schema.safeParse(value ?? {});
    if (result.success) return result.data;
    const issue = result.error.issues[0];
    const field = formatPath(issue.path) || (issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : '(body)');
    const message = issue.code === 'unrecognized_keys' ? `unknown field ${issue.keys.join(', ')}` : issue.message;
    throw new BadRequestException({ statusCode: 400, error: 'Bad Request', field, message: `${field}: ${message}` });
  }
}
