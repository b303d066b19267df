// npm run users:hash -- <password>
// Prints the argon2id hash of a password, for a users file (REVIEW_USERS_FILE).
import { hash } from '@node-rs/argon2';
import { fail, runMain } from './cli-support';

runMain('users:hash', async () => {
  const password = process.argv[2];
  if (!password || password.length < 8) fail('users:hash', 'usage: npm run users:hash -- <password of at least 8 characters>');
  process.stdout.write(`${await hash(password)}\n`);
});
