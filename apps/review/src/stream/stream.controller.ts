import { Controller, Sse, UseGuards, type MessageEvent } from '@nestjs/common';
import { ApiCookieAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { filter, map, type Observable } from 'rxjs';
import type { Principal } from '../auth/authenticator';
import { CurrentUser, SessionGuard } from '../auth/session.guard';
import { QueueStore } from '../queue/queue-store';

@ApiTags('review')
@ApiCookieAuth()
@UseGuards(SessionGuard)
@Controller('api')
export class StreamController {
  constructor(private readonly store: QueueStore) {}

  /** Server-sent events: one `case` event per change of a case the caller may see. */
  @Sse('stream')
  @ApiOperation({ summary: 'Live changes of the cases your roles may see (text/event-stream)' })
  stream(@CurrentUser() user: Principal): Observable<MessageEvent> {
    return this.store.view.changes.pipe(
      filter((item) => item.eligibleRoles.some((role) => user.roles.includes(role))),
      map((item) => ({
        type: 'case',
        data: { caseId: item._id, status: item.status, version: item.version, priority: item.priority, escalated: item.escalated, claimedBy: item.claim?.by ?? null },
      })),
    );
  }
}
