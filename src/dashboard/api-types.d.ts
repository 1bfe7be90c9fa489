// Names for the dashboard's JSDoc types, taken from the generated OpenAPI types (openapi.d.ts,
// `npm run dashboard:types`). Nothing here declares a field: every shape is the contract's.
import type { components, paths } from './openapi';

export type Schemas = components['schemas'];

type JsonOf<R> = R extends { content: { 'application/json': infer T } } ? T : never;

/** Routes with a GET operation. */
export type GetPath = { [P in keyof paths]: paths[P] extends { get: object } ? P : never }[keyof paths];
/** Routes with a POST operation. */
export type PostPath = { [P in keyof paths]: paths[P] extends { post: object } ? P : never }[keyof paths];

type GetOp<P extends GetPath> = paths[P]['get'];
type PostOp<P extends PostPath> = paths[P]['post'];

/** The query string of a GET route (an empty object when it takes none). */
export type GetQuery<P extends GetPath> = GetOp<P> extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never;
/** The path parameters of a GET route (`{id}`), never when it has none. */
export type GetParams<P extends GetPath> = GetOp<P> extends { parameters: { path: infer Q } } ? Q : never;
/** The JSON a GET route answers with on success. */
export type GetResult<P extends GetPath> = JsonOf<GetOp<P>['responses'][200]>;

/** The JSON body of a POST route. */
export type PostBody<P extends PostPath> = PostOp<P> extends { requestBody: { content: { 'application/json': infer B } } } ? B : never;
/** The JSON a POST route answers with on success (200 or 201). */
export type PostResult<P extends PostPath> = PostOp<P>['responses'] extends { 200: infer R }
  ? JsonOf<R>
  : PostOp<P>['responses'] extends { 201: infer R }
    ? JsonOf<R>
    : never;

/** The error body every route answers with. */
export type ErrorBody = Schemas['Error'];
