/**
 * Run names for runs created without one, in MLflow's style: `<adjective>-<noun>-<number>`.
 */
import { randomInt } from 'node:crypto';

const ADJECTIVES = [
  'able', 'amazing', 'bold', 'brave', 'bright', 'calm', 'clean', 'clever', 'crisp', 'dapper', 'defiant', 'eager',
  'fearless', 'gentle', 'glamorous', 'gregarious', 'honest', 'illustrious', 'judicious', 'kindly', 'lyrical',
  'merciful', 'nimble', 'polite', 'quiet', 'resilient', 'salty', 'sassy', 'skillful', 'smiling', 'stately',
  'suave', 'thundering', 'tranquil', 'unique', 'upbeat', 'valuable', 'victorious', 'vivacious', 'wise', 'zealous',
];
const NOUNS = [
  'ant', 'ape', 'asp', 'bass', 'bat', 'bear', 'bird', 'boar', 'bug', 'calf', 'carp', 'cat', 'colt', 'cow', 'crab',
  'crane', 'croc', 'deer', 'doe', 'dog', 'dove', 'duck', 'eel', 'elk', 'finch', 'fish', 'fly', 'foal', 'fowl', 'fox',
  'frog', 'gnat', 'goat', 'gull', 'hare', 'hawk', 'hen', 'hog', 'horse', 'jay', 'kite', 'koi', 'lamb', 'lark', 'mole',
  'moth', 'mouse', 'mule', 'newt', 'owl', 'ox', 'panda', 'pig', 'rat', 'ray', 'seal', 'shark', 'sheep', 'shrew',
  'skink', 'slug', 'snail', 'snake', 'squid', 'stag', 'swan', 'toad', 'trout', 'wasp', 'whale', 'wolf', 'worm', 'wren',
];

/** A fresh random run name such as `brave-owl-482`. */
export function randomRunName(): string {
  return `${ADJECTIVES[randomInt(ADJECTIVES.length)]}-${NOUNS[randomInt(NOUNS.length)]}-${randomInt(1000)}`;
}
