/**
 * A small indicator of the link to the agent: connected (with its version), or not running —
 * then it says how to start it and keeps trying, backing off from 1 s to 15 s.
 */
import { type ISignal } from '@lumino/signaling';
import { Widget } from '@lumino/widgets';
import type { ViewerContext } from './context.js';
/** Shows whether the agent answers and tells listeners when that changes. */
export declare class ConnectionStatus extends Widget {
    private readonly ctx;
    private timer;
    private delay;
    private up;
    private readonly changed;
    constructor(ctx: ViewerContext);
    /** Emits true when the agent comes back, false when it goes away. */
    get connectionChanged(): ISignal<this, boolean>;
    /** Whether the agent answered the last check (null before the first). */
    get connected(): boolean | null;
    private check;
    private render;
    dispose(): void;
}
