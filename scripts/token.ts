// Prints a signed bearer token for trying the API: `npm run token -- --sub 1
// --role admin`. Signs with AUTH_JWT_SECRET (from the environment or .env),
// else with the development secret `npm start` uses (data/dev-jwt-secret);
// AUTH_ISSUER and AUTH_AUDIENCE go into the token when set. For a gateway
// verifying with AUTH_JWKS_URL, tokens come from that identity provider.
import { parseArgs } from 'node:util';
import { SignJWT } from 'jose';
import { developmentSecret } from '../src/auth/developmentSecret.ts';
import { loadConfig } from '../src/config.ts';

const { values } = parseArgs({
  options: {
    sub: { type: 'string', default: '1' },
    role: { type: 'string', multiple: true, default: [] },
    scope: { type: 'string', multiple: true, default: [] },
    expires: { type: 'string', default: '1h' },
  },
});

const config = loadConfig();
if (config.auth.jwksUrl) {
  console.error('AUTH_JWKS_URL is set: tokens come from that identity provider, not from this script');
  process.exit(2);
}
const secret = config.auth.secret ?? developmentSecret();
const jwt = new SignJWT({
  [config.auth.rolesClaim]: values.role,
  ...(values.scope.length ? { scope: values.scope.join(' ') } : {}),
})
  .setProtectedHeader({ alg: 'HS256' })
  .setSubject(values.sub)
  .setIssuedAt()
  .setExpirationTime(values.expires);
if (config.auth.issuer) jwt.setIssuer(config.auth.issuer);
if (config.auth.audience) jwt.setAudience(config.auth.audience);
console.log(await jwt.sign(new TextEncoder().encode(secret)));
