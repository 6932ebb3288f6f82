import type { Request, Response } from 'express';
import { formField, localPath, send, type PageContext } from '../page-kit.js';
import { signInView } from '../views/index.js';

export async function showSignIn(ctx: PageContext, req: Request, res: Response): Promise<void> {
  await send(
    ctx,
    req,
    res,
    // Still: a live refresh would replace the form and lose the token being typed.
    { title: 'Sign in', nav: 'sign-in', still: true },
    signInView(req.viewer!, localPath(req.query.next), null, ctx.auth.canSignIn),
  );
}

export async function signIn(ctx: PageContext, req: Request, res: Response): Promise<void> {
  const next = localPath(formField(req, 'next'));
  const refuse = (problem: string, code: number) =>
    send(
      ctx,
      req,
      res,
      { title: 'Sign in', nav: 'sign-in' },
      signInView(req.viewer!, next, problem, ctx.auth.canSignIn),
      code,
    );
  if (!ctx.auth.csrfOk(req)) return refuse('The form was stale; try again.', 403);
  if (!ctx.auth.signIn(req, res, formField(req, 'token'))) return refuse('That is not the admin token.', 401);
  res.redirect(303, next);
}

export function signOut(ctx: PageContext, req: Request, res: Response): void {
  ctx.auth.signOut(req, res);
  res.redirect(303, '/');
}
