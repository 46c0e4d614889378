// A real OpenID Provider for the tests: panva's oidc-provider (OpenID Certified), on loopback.
//
//   OIDC_CONFIG='{"issuer": "http://127.0.0.1:PORT", "port": PORT, "clients": [...],
//                 "users_file": "/tmp/.../users.json"}' node tests/support/oidc_provider.mjs
//
// users.json is read at every sign-in, so a test can change someone's groups between two:
//   {"anna": {"email": "anna@polisen.example", "email_verified": true, "groups": ["narvaro-police"]}}
// Its login page asks for the account and whether a second factor was given (the ID token's
// `amr` is then ["pwd", "mfa"], else ["pwd"]); its consent page has one "Continue" button.
// Faults, read from faults_file at every request so one provider serves a whole test session:
// {"token_clock_offset": -7200} runs the token endpoint's clock that far off (an ID token
// already expired), {"publish_other_key": true} serves a JWKS without the signing key.
// "jwks" (private keys) in OIDC_CONFIG: the provider signs with them, so a test can sign a
// logout token the provider could have sent.
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';

import Provider from 'oidc-provider';

const config = JSON.parse(process.env.OIDC_CONFIG);
const users = () => JSON.parse(readFileSync(config.users_file, 'utf-8'));
const faults = () => JSON.parse(readFileSync(config.faults_file, 'utf-8'));

const provider = new Provider(config.issuer, {
  clients: config.clients,
  async findAccount(ctx, id) {
    const user = users()[id];
    if (!user) return undefined;
    return { accountId: id, async claims() { return { sub: id, ...user }; } };
  },
  claims: {
    openid: ['sub', 'amr'], // amr in every ID token, as Entra ID sends it
    email: ['email', 'email_verified'],
    profile: ['name', 'groups'],
  },
  conformIdTokenClaims: false, // the groups in the ID token itself, as Entra ID sends them
  cookies: { keys: ['test-only-not-secret'] },
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: { enabled: true },
    backchannelLogout: { enabled: true },
  },
  // The back-channel logout goes to Närvaro on loopback, which the provider's SSRF guard
  // (its own dispatcher) refuses: for these tests only, plain fetch.
  fetch: (url, { dispatcher, ...options }) => globalThis.fetch(url, options),
  ...(config.jwks ? { jwks: config.jwks } : {}),
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  pkce: { required: () => true },
  ttl: { IdToken: config.id_token_ttl || 3600 },
});

provider.on('backchannel.error', (ctx, error, client) => {
  process.stderr.write(`back-channel logout to ${client.clientId} failed: ${error} ${error.cause}\n`);
});
provider.on('backchannel.success', (ctx, client) => {
  process.stderr.write(`back-channel logout to ${client.clientId} sent\n`);
});

const page = (title, body) => `<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>${title}</title></head><body><main><h1>${title}</h1>${body}</main></body></html>`;

function readForm(req) {
  return new Promise((resolve) => {
    let body = '';
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => resolve(new URLSearchParams(body)));
  });
}

async function interaction(req, res) {
  const [, , uid, step] = req.url.split('?')[0].split('/');
  const details = await provider.interactionDetails(req, res);
  if (req.method === 'GET' && details.prompt.name === 'login') {
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end(page('Sign in', `<form method="post" action="/interaction/${uid}/login">
<label>Account <input name="login" required></label>
<label><input type="checkbox" name="mfa" value="1"> Second factor given</label>
<button type="submit">Sign-in</button></form>`));
    return;
  }
  if (req.method === 'GET') {
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end(page('Authorize', `<form method="post" action="/interaction/${uid}/confirm">
<button type="submit">Continue</button></form>`));
    return;
  }
  const form = await readForm(req);
  if (step === 'login') {
    const amr = form.get('mfa') ? ['pwd', 'mfa'] : ['pwd'];
    await provider.interactionFinished(req, res, {
      login: { accountId: form.get('login'), amr },
    }, { mergeWithLastSubmission: false });
    return;
  }
  const { grantId, session, params, prompt: { details: missing } } = details;
  const grant = grantId ? await provider.Grant.find(grantId)
    : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  await provider.interactionFinished(req, res, { consent: { grantId: await grant.save() } }, {
    mergeWithLastSubmission: true,
  });
}

const realNow = Date.now;
let offset = 0;
Date.now = () => realNow() + offset * 1000;

const otherKey = () => {
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...publicKey.export({ format: 'jwk' }), kid: 'not-the-signing-key', use: 'sig', alg: 'RS256' };
};

const handle = provider.callback();
http.createServer((req, res) => {
  const fault = faults();
  if (fault.publish_other_key && req.url.startsWith('/jwks')) {
    res.setHeader('content-type', 'application/jwk-set+json');
    res.end(JSON.stringify({ keys: [otherKey()] }));
    return;
  }
  if (fault.token_clock_offset && req.url.startsWith('/token')) {
    offset = fault.token_clock_offset;
    res.on('finish', () => { offset = 0; });
  }
  if (req.url.startsWith('/interaction/')) {
    interaction(req, res).catch((error) => {
      res.statusCode = 500;
      res.end(String(error));
    });
    return;
  }
  handle(req, res);
}).listen(config.port, '127.0.0.1', () => {
  process.stdout.write(`ready ${config.issuer}\n`);
});
