package dev.slimkit.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The accuracy–cost trade-off of a set of models as plain data: which models no other model beats
 * on both counts (the Pareto frontier), and the step line that draws it. Pure functions, used by
 * {@link Charts#pareto} and open to notebooks and tests.
 */
public final class Pareto {

    private Pareto() {}

    /**
     * One model in the trade-off.
     *
     * @param name the model's name
     * @param cost lower is better (MACs, milliseconds, parameters)
     * @param accuracy higher is better, in [0, 1]
     */
    public record Point(String name, double cost, double accuracy) {}

    /**
     * The non-dominated points, cheapest first: a point is dominated when another costs no more
     * and is no less accurate, and is strictly better on one of the two. Points with the same
     * figures do not dominate each other, so both stay. Points with a NaN figure are left out.
     * Along the result, cost and accuracy both increase.
     */
    public static List<Point> frontier(List<Point> points) {
        List<Point> valid = new ArrayList<>();
        for (Point p : points) {
            if (!Double.isNaN(p.cost()) && !Double.isNaN(p.accuracy())) {
                valid.add(p);
            }
        }
        List<Point> out = new ArrayList<>();
        for (Point p : valid) {
            boolean dominated = false;
            for (Point q : valid) {
                if (q.cost() <= p.cost() && q.accuracy() >= p.accuracy()
                        && (q.cost() < p.cost() || q.accuracy() > p.accuracy())) {
                    dominated = true;
                    break;
                }
            }
            if (!dominated) {
                out.add(p);
            }
        }
        out.sort(Comparator.comparingDouble(Point::cost).thenComparingDouble(Point::accuracy));
        return out;
    }

    /**
     * The frontier as a step line, {@code {xs, ys}}: from each point the best accuracy reached so
     * far holds until the next point's cost, then rises to it. A single point gives a single
     * vertex; a vertex equal to the one before it (tied points) is left out.
     *
     * @param frontier as returned by {@link #frontier}, cheapest first
     */
    public static double[][] steps(List<Point> frontier) {
        List<double[]> vertices = new ArrayList<>();
        for (int i = 0; i < frontier.size(); i++) {
            Point p = frontier.get(i);
            if (i > 0) {
                add(vertices, p.cost(), frontier.get(i - 1).accuracy());
            }
            add(vertices, p.cost(), p.accuracy());
        }
        double[][] out = new double[2][vertices.size()];
        for (int i = 0; i < vertices.size(); i++) {
            out[0][i] = vertices.get(i)[0];
            out[1][i] = vertices.get(i)[1];
        }
        return out;
    }

    private static void add(List<double[]> vertices, double x, double y) {
        double[] last = vertices.isEmpty() ? null : vertices.get(vertices.size() - 1);
        if (last == null || last[0] != x || last[1] != y) {
            vertices.add(new double[] {x, y});
        }
    }
}
