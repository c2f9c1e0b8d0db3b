/**
 * Prints a dev bearer token signed with JWT_SECRET:
 *   npm run -s token -- --role executive --office sec-pattom
 *   npm run -s token -- --role consumer --consumer 1154600000001
 */
import { checkConsumerNumber } from '../domain/utility-profile-contract';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config';
import { ZRole } from '../domain/roles-schema';
import { signDevToken } from '../lib/auth-tokens';

const usage = `usage: npm run -s token -- --role <${ZRole.options.join('|')}> (--office <officeId> | --consumer <13 digits> ...) [--sub <subject>] [--expires 12h]`;

async function main() {
  const { values } = parseArgs({
    options: {
      role: { type: 'string' },
      office: { type: 'string' },
      consumer: { type: 'string', multiple: true },
      sub: { type: 'string' },
      expires: { type: 'string', default: '12h' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return console.log(usage);
  const role = ZRole.safeParse(values.role);
  if (!role.success) throw new Error(`--role must be one of ${ZRole.options.join(', ')}\n${usage}`);
  const config = loadConfig();
  if (role.data === 'consumer') {
    const consumers = values.consumer ?? [];
    const rule = config.profile.consumerNumber;
    if (consumers.length === 0 || consumers.some((c) => !checkConsumerNumber(rule, c).ok)) {
      throw new Error(`a consumer token needs --consumer <${rule.name}, e.g. ${rule.example}>\n${usage}`);
    }
    console.log(
      await signDevToken(config.auth, {
        role: 'consumer',
        consumers,
        subject: values.sub,
        expiresIn: values.expires,
      }),
    );
    return;
  }
  if (!values.office)
    throw new Error(`staff tokens need --office <officeId> (e.g. sec-pattom, circle-tvm)\n${usage}`);
  console.log(
    await signDevToken(config.auth, {
      role: role.data,
      office: values.office,
      subject: values.sub,
      expiresIn: values.expires,
    }),
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(2);
});
