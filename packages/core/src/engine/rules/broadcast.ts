/** Gradient of broadcast: dy summed back over the broadcast axes. */
import { type GradRule, at } from './rule.js';
import { unbroadcast } from './unbroadcast.js';

export const broadcastGrad: GradRule<'broadcast'> = ({ b, inputs, dy }) => [unbroadcast(b, dy, at(inputs, 0).shape)];
