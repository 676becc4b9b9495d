// The real scaffolder's task API (/api/scaffolder/v2/tasks) as a user drives it: start a task of a
// template, wait until it has finished, read its log and its output (the completion event's
// `output`: the template's rendered `output`, what the task page shows its reader).
import http from 'node:http';
import { mockCredentials } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import request from 'supertest';

export interface ScaffolderTask {
  id: string;
  status: string;
  createdBy?: string;
  spec: { parameters: Record<string, unknown>; templateInfo?: { entityRef?: string } };
}

interface TaskEvent {
  type: string;
  body: { message?: string; output?: TaskOutput };
}

/** A template's rendered output: links and text blocks. */
export interface TaskOutput {
  links?: { title?: string; url?: string; entityRef?: string }[];
  text?: { title?: string; content?: string }[];
}

/** The task API of the scaffolder served by `server`, each call as the user `who`. */
export function scaffolderTasks(server: http.Server) {
  const as = (who: string) => mockCredentials.user.header(who);
  const events = async (who: string, id: string): Promise<TaskEvent[]> => {
    const res = await request(server).get(`/api/scaffolder/v2/tasks/${id}/events`).set('Authorization', as(who));
    if (res.status !== 200) throw new Error(`events of task ${id}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  return {
    /** Starts a task of the template as `who` (POST /v2/tasks); its id. */
    async start(who: string, templateRef: string, values: Record<string, unknown>): Promise<string> {
      const res = await request(server).post('/api/scaffolder/v2/tasks').set('Authorization', as(who)).send({ templateRef, values });
      if (res.status !== 201) throw new Error(`starting ${templateRef}: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body.id;
    },
    /** The task once it has finished (completed, failed or cancelled): polled, the test's timeout bounds it. */
    async finished(who: string, id: string): Promise<ScaffolderTask> {
      for (;;) {
        const res = await request(server).get(`/api/scaffolder/v2/tasks/${id}`).set('Authorization', as(who));
        if (res.status !== 200) throw new Error(`task ${id}: ${res.status} ${JSON.stringify(res.body)}`);
        if (['completed', 'failed', 'cancelled'].includes(res.body.status)) return res.body;
        await new Promise(r => setTimeout(r, 250));
      }
    },
    /** The task's log, its messages one a line. */
    async log(who: string, id: string): Promise<string> {
      return (await events(who, id))
        .filter(e => e.type === 'log')
        .map(e => e.body.message ?? '')
        .join('\n');
    },
    /** The finished task's output, as the scaffolder gives it to a reader of the task (its completion event). */
    async output(who: string, id: string): Promise<TaskOutput> {
      const completion = (await events(who, id)).find(e => e.type === 'completion');
      if (!completion) throw new Error(`task ${id} has not completed`);
      return completion.body.output ?? {};
    },
  };
}

/** A catalog User of `group` (its memberOf relation, as the catalog computes it): who starts tasks and decides approvals. */
export function userEntity(name: string, group: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name, namespace: 'default' },
    spec: { memberOf: [group] },
    relations: [{ type: 'memberOf', targetRef: `group:default/${group}` }],
  };
}
