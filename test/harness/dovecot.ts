import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './ports.js';

export interface Dovecot {
  imapPort: number;
  lmtpPort: number;
  dir: string;
  stop(): Promise<void>;
  /** Stops and starts the server again on the same ports and mail folders (a server restart), `downMs` later (an outage). */
  restart(downMs?: number): Promise<void>;
}

const DOVECOT = '/usr/sbin/dovecot';

/**
 * A real Dovecot (Debian's dovecot-imapd and dovecot-lmtpd) with its own config and
 * maildirs in a temporary folder, on free loopback ports. Dovecot refuses to run its
 * login processes as root, hence dovenull/dovecot and a mail folder owned by `mail`.
 */
export async function startDovecot(users: string[], password = 'secret', options: { oauth2IntrospectionUrl?: string } = {}): Promise<Dovecot> {
  if (!existsSync(DOVECOT)) {
    throw new Error('Dovecot is not installed: run `bash .ci/run` once, or apt-get install dovecot-imapd dovecot-lmtpd');
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'guichet-dovecot-'));
  chmodSync(dir, 0o755);
  for (const sub of ['run', 'state', 'mail']) mkdirSync(path.join(dir, sub));
  const mailUid = Number(execFileSync('id', ['-u', 'mail']).toString().trim());
  const mailGid = Number(execFileSync('id', ['-g', 'mail']).toString().trim());
  chownSync(path.join(dir, 'mail'), mailUid, mailGid);
  writeFileSync(path.join(dir, 'users'), users.map((u) => `${u}:{PLAIN}${password}::::::\n`).join(''));
  const imapPort = await freePort();
  const lmtpPort = await freePort();
  const config = path.join(dir, 'dovecot.conf');
  if (options.oauth2IntrospectionUrl) {
    writeFileSync(
      path.join(dir, 'dovecot-oauth2.conf.ext'),
      `introspection_mode = post\nintrospection_url = ${options.oauth2IntrospectionUrl}\nusername_attribute = username\nactive_attribute = active\nactive_value = true\n`,
    );
  }
  writeFileSync(
    config,
    `base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
protocols = imap lmtp
listen = 127.0.0.1
# The name in the Received header LMTP adds ("by imap.example.test"), as a mail server of ours would write it.
hostname = imap.example.test
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login${options.oauth2IntrospectionUrl ? ' xoauth2 oauthbearer' : ''}
default_login_user = dovenull
default_internal_user = dovecot
first_valid_uid = 1
mail_location = maildir:${dir}/mail/%u
auth_username_format = %Lu
mail_max_userip_connections = 200
lmtp_save_to_detail_mailbox = no
${
  options.oauth2IntrospectionUrl
    ? `# OAuth2 first (a token is checked at the test's introspection endpoint); passwords after it.
passdb {
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = ${dir}/dovecot-oauth2.conf.ext
}
`
    : ''
}passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/users
}
userdb {
  driver = static
  args = uid=${mailUid} gid=${mailGid} home=${dir}/mail/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${imapPort}
  }
  process_min_avail = 1
}
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = ${lmtpPort}
  }
}
protocol imap {
  mail_max_userip_connections = 200
}
`,
  );
  let child: ChildProcess | null = null;
  const launch = async () => {
    child = spawn(DOVECOT, ['-F', '-c', config], { stdio: 'ignore' });
    await waitForPort(imapPort, () => readLog(dir));
    await waitForPort(lmtpPort, () => readLog(dir));
  };
  const halt = async () => {
    const running = child;
    child = null;
    if (!running || running.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      running.once('exit', () => resolve());
      running.kill('SIGTERM');
    });
  };
  await launch();
  return {
    imapPort,
    lmtpPort,
    dir,
    restart: async (downMs = 0) => {
      await halt();
      if (downMs > 0) await new Promise((resolve) => setTimeout(resolve, downMs));
      await launch();
    },
    stop: async () => {
      await halt();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function readLog(dir: string): string {
  try {
    return readFileSync(path.join(dir, 'dovecot.log'), 'utf8').slice(-2000);
  } catch {
    return '(no log)';
  }
}

async function waitForPort(port: number, log: () => string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`Dovecot did not listen on ${port}:\n${log()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
