import { z } from 'zod';
import { PermissionListView, SubjectListView } from '@portcullis/shared/contracts';
import { ApiRouter, type AccessGuards } from '@portcullis/shared/http';
import { principalOf } from '@portcullis/shared/auth';
import type { DecisionService } from '../services/decision.service.js';

export function subjectRoutes(decisions: DecisionService, guards: AccessGuards): ApiRouter {
  return new ApiRouter('/v1', guards)
    .get('/subjects/:user_id/permissions', {
      summary: "A user's permissions in a tenant (or the platform)",
      operationId: 'listSubjectPermissions',
      tags: ['subjects'],
      // Yourself, or anyone for those who may read members there: the service decides per subject asked about.
      access: 'authenticated',
      params: z.object({ user_id: z.string().min(1).max(200) }),
      query: z.object({ tenant_id: z.uuid().optional() }),
      responses: { 200: { description: 'Allowed object/action pairs', schema: PermissionListView } },
      problems: ['forbidden'],
    }, (ctx, { params, query }) => {
      ctx.body = { items: decisions.permissions(principalOf(ctx), params.user_id, query.tenant_id) };
    })
    .get('/tenants/:tenant_id/subjects', {
      summary: 'Who may do an action to an object in a tenant',
      operationId: 'listTenantSubjects',
      tags: ['subjects'],
      access: { object: 'members', action: 'read', tenant: 'tenant_id' },
      params: z.object({ tenant_id: z.uuid() }),
      query: z.object({ object: z.string().min(1).max(200), action: z.string().min(1).max(200) }),
      responses: { 200: { description: 'Subjects and the roles they hold', schema: SubjectListView } },
    }, (ctx, { params, query }) => {
      ctx.body = { items: decisions.subjectsWho(params.tenant_id, query.object, query.action) };
    });
}
