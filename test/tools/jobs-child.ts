// A worker process for the jobs contract: `node --import tsx test/tools/jobs-child.ts <mode> <store…>`.
//   crash: processes queue 'work', says "started <id> <attempt>" and never finishes (the test kills it);
//   exit:  adds and runs one job, says "done", closes, and must then exit by itself.
import { openJobs } from './jobs-subjects.ts';

const [mode, ...store] = process.argv.slice(2);
const jobs = openJobs(store);

if (mode === 'crash') {
  jobs.process('work', async (job) => {
    process.stdout.write(`started ${job.id} ${job.attempt}\n`);
    await new Promise((resolve) => setTimeout(resolve, 60_000));
  });
} else if (mode === 'exit') {
  const done = new Promise<void>((resolve) => {
    jobs.process('work', async () => resolve());
  });
  await jobs.add('work', 'exit-1', {});
  await done;
  await jobs.close();
  process.stdout.write('done\n');
} else {
  throw new Error(`unknown mode ${mode}`);
}
