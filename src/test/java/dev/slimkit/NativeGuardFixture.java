package dev.slimkit;

import ai.djl.ndarray.NDArray;

/**
 * Never run: compiled only so that {@link NativeCallsGuardTest} can show its scanner flags the two
 * calls the cu124 JNI of pytorch-jni 2.5.1-0.33.0 cannot serve.
 */
final class NativeGuardFixture {

    private NativeGuardFixture() {}

    static NDArray both(NDArray a) {
        return a.percentile(50).add(a.diagonal());
    }
}
