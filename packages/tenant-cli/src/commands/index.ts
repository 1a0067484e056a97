import { Command } from '../command';
import { bootstrapCommand, synthCommand } from './aws';
import { releaseCommand, resumeCommand, rolloutsCommand, rolloutCommand, approveCommand, rejectCommand, rollbackCommand } from './releases';
import { renderCommand } from './render';
import { serveCommand, stopCommand } from './runtime';
import { planCommand, serviceCommand } from './services';
import { historyCommand, listCommand, offboardCommand, onboardCommand, setWaveCommand, showCommand } from './tenants';
import { walkthroughCommand } from './walkthrough';

/** Every command, in the order `tenant --help` lists them. */
export const COMMANDS: readonly Command[] = [
  serviceCommand, onboardCommand, offboardCommand, listCommand, showCommand, setWaveCommand, renderCommand, planCommand,
  releaseCommand, rolloutsCommand, rolloutCommand, approveCommand, rejectCommand, resumeCommand, rollbackCommand, historyCommand,
  serveCommand, stopCommand, synthCommand, bootstrapCommand, walkthroughCommand,
];
