// A route definition: method, path, scope and the zod schemas of its inputs and outputs. Routers
// validate with these schemas and the OpenAPI document is generated from the same objects, so the
// documentation cannot drift from the behaviour.
import type { z } from 'zod';
import type { Scope } from './common';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface RouteDef {
  method: HttpMethod;
  /** Express-style path (`/v1/deals/:id/score`); turned into `{id}` for OpenAPI. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  /** null: public (health, docs). */
  scope: Scope | null;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodTypeAny;
  /** Success status and schema (200 unless said otherwise). */
  status?: 200 | 201 | 202;
  response: z.ZodTypeAny;
  /** Error statuses this route can answer besides the common ones (400/401/403/429/500). */
  errors?: number[];
}

export const defineRoute = <const R extends RouteDef>(r: R): R => r;
