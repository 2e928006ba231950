/** `lablog/client`: the TypeScript client, published as part of the lablog package. */
export * from '@lablog/client';
