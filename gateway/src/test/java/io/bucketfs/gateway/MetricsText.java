package io.bucketfs.gateway;

/** Reads samples out of a Prometheus text exposition (tests). */
final class MetricsText {

    private MetricsText() {
    }

    /** The value of the sample named exactly {@code series} (name and labels as printed), or NaN. */
    static double value(String text, String series) {
        for (String line : text.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim().split(" ")[0]);
            }
        }
        return Double.NaN;
    }

    /** The sum of every sample of {@code name} whose labels contain each of {@code labels} ({@code k="v"}). */
    static double sum(String text, String name, String... labels) {
        double s = 0;
        for (String line : text.split("\n")) {
            if (!line.startsWith(name + "{") && !line.startsWith(name + " ")) {
                continue;
            }
            int sp = line.lastIndexOf(' ');
            String head = line.substring(0, sp);
            boolean all = true;
            for (String l : labels) {
                all &= head.contains(l);
            }
            if (all) {
                s += Double.parseDouble(line.substring(sp + 1));
            }
        }
        return s;
    }
}
