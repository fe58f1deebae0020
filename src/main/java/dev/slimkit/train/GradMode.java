package dev.slimkit.train;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Turns autograd recording off on the calling thread for inference. PyTorch's grad mode is
 * per thread and DJL turns it off only on the thread that loaded the engine, so a notebook's
 * worker threads would otherwise record a graph for every evaluation batch.
 */
public final class GradMode {

    private GradMode() {}

    /** Disables gradient recording on this thread (PyTorch engine; a no-op elsewhere). */
    public static void disableOnThisThread() {
        if ("PyTorch".equals(Engine.getInstance().getEngineName())) {
            JniUtils.setGradMode(false);
        }
    }
}
