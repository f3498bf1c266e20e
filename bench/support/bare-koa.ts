import Koa from 'koa';

/** The baseline of the HTTP figures: Koa with one middleware that answers 200 and a small JSON body. */
export function bareKoa(): Koa {
  const app = new Koa();
  app.use((ctx) => {
    ctx.status = 200;
    ctx.body = { ok: true };
  });
  return app;
}
