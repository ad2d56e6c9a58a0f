package dev.vaeforge.runtime.data;

/**
 * Draws one binary 64x64 dSprites-style image from its factor classes: a white square, ellipse or heart
 * on black. Each pixel is 1 where its centre lies inside the shape, else 0; the arithmetic uses
 * {@link StrictMath}, so an image is bit-identical on every JVM. The pixels are not the original file's
 * (which was drawn by another rasteriser); the factor grid is (Matthey et al. 2017).
 *
 * <p>Geometry: at scale 1 a shape's unit radius is {@value #RADIUS} px, so the largest (a rotated
 * square's corner, 10 sqrt 2 px) stays inside the frame for every centre; centres run over
 * [{@value #MIN_CENTRE}, {@value #MIN_CENTRE} + {@value #SPAN}] px in x (left to right) and y (top to bottom).
 * Orientation turns the shape counter-clockwise on screen.
 */
final class DSpritesRenderer {
    static final int SIZE = 64;
    static final double RADIUS = 10.0;
    static final double MIN_CENTRE = 15.5;
    static final double SPAN = 33.0;

    private DSpritesRenderer() {
    }

    /**
     * @param shape 0 square, 1 ellipse, 2 heart
     * @param scale relative size in [0.5, 1]
     * @param orientation radians
     * @param x, y in [0, 1]
     */
    static void render(int shape, double scale, double orientation, double x, double y, float[] dst, int offset) {
        double cx = MIN_CENTRE + SPAN * x;
        double cy = MIN_CENTRE + SPAN * y;
        double cos = StrictMath.cos(orientation);
        double sin = StrictMath.sin(orientation);
        double r = RADIUS * scale;
        for (int py = 0; py < SIZE; py++) {
            double dyUp = cy - (py + 0.5);
            for (int px = 0; px < SIZE; px++) {
                double dx = px + 0.5 - cx;
                double u = (cos * dx + sin * dyUp) / r;
                double v = (-sin * dx + cos * dyUp) / r;
                dst[offset + py * SIZE + px] = inside(shape, u, v) ? 1f : 0f;
            }
        }
    }

    /** Whether (u, v), in units of the shape's radius with v up, lies inside the shape. */
    static boolean inside(int shape, double u, double v) {
        switch (shape) {
            case 0:
                return Math.abs(u) <= 1 && Math.abs(v) <= 1;
            case 1:
                return (u * u) / 1.44 + (v * v) / 0.36 <= 1;
            case 2: {
                // (x^2 + y^2 - 1)^3 - x^2 y^3 <= 0, scaled so the lobes stay within the unit radius' frame
                double hx = u * 1.1;
                double hy = v * 1.1 + 0.1;
                double a = hx * hx + hy * hy - 1;
                return a * a * a - hx * hx * hy * hy * hy <= 0;
            }
            default:
                throw new IllegalArgumentException("dSprites shape class " + shape + " outside 0..2");
        }
    }
}
