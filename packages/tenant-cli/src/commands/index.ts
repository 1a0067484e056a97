import { Command } from '../command';
import { renderCommand } from './render';
import { walkthroughCommand } from './walkthrough';

export const COMMANDS: readonly Command[] = [renderCommand, walkthroughCommand];
