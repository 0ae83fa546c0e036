/** `npm run fuzz [-- frames [seed]]`: a longer fuzz run than CI's. */
import { runFuzz } from './fuzz';

const frames = Number(process.argv[2] ?? 2_000_000);
const seed = Number(process.argv[3] ?? Date.now() % 2 ** 31);
const report = runFuzz(frames, seed);
console.log(`fuzz: ${report.frames} frames (seed ${seed}) in ${report.ms} ms: ${report.accepted} accepted, ${report.protocolErrors} typed protocol errors, no crash`);
