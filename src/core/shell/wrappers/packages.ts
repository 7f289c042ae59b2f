/**
 * Package and task tools whose files say what runs: `make`, `just`, `task`, `composer`,
 * `rake`, `mix` (followed into their files), and `shx`.
 */
import { emit } from '../extract';
import { followComposer } from '../follow/packages';
import { followMake } from '../follow/make';
import { followJust, followTaskfile } from '../follow/taskRunners';
import { followMix, followRake } from '../follow/rakeMix';
import { shift, skipOptions, type Unwrapper } from '../wrapkit';

export const packages: Record<string, Unwrapper> = {};
packages['make'] = (c, ctx) => {
  emit(c, ctx);
  followMake(c, ctx);
  return 'done';
};
packages['gmake'] = packages['make'];
packages['just'] = (c, ctx) => {
  emit(c, ctx);
  followJust(c, ctx);
  return 'done';
};
packages['task'] = (c, ctx) => {
  emit(c, ctx);
  followTaskfile(c, ctx);
  return 'done';
};
packages['go-task'] = packages['task'];
packages['composer'] = (c, ctx) => {
  emit(c, ctx);
  followComposer(c, ctx);
  return 'done';
};
packages['shx'] = (c, ctx) => {
  const args = c.args;
  const next = shift(c, skipOptions(args, 0, new Set()), 'shx');
  if (!next) {
    emit(c, ctx);
    return 'done';
  }
  return next;
};
packages['rake'] = (c, ctx) => {
  emit(c, ctx);
  followRake(c, ctx);
  return 'done';
};
packages['mix'] = (c, ctx) => {
  emit(c, ctx);
  followMix(c, ctx);
  return 'done';
};
