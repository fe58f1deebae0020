# JVM options every slimkit JVM uses (sourced by the scripts): headless charts, DJL offline with
# its PyTorch natives from the Maven jar, 2 threads as on the project's machines.
SLIMKIT_JAVA_OPTS="-Xmx12g -Djava.awt.headless=true -Dai.djl.offline=true -Dai.djl.pytorch.num_threads=${SLIMKIT_THREADS:-2} -Dai.djl.pytorch.num_interop_threads=1"
