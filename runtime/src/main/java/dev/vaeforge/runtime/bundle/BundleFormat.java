package dev.vaeforge.runtime.bundle;

/** Constants of the on-disk bundle format. */
public final class BundleFormat {
    public static final String FORMAT = "vaeforge-bundle";
    /** Bumped whenever a reader of the previous version could misread a new bundle. */
    public static final int VERSION = 2;
    public static final String MANIFEST = "manifest.json";
    /** Key of the provenance JSON in every graph's metadata_props. */
    public static final String METADATA_PROVENANCE = "vaeforge.provenance";
    public static final String METADATA_FAMILY = "vaeforge.family";
    public static final String METADATA_ROLE = "vaeforge.graph";
    public static final String METADATA_BUNDLE_ID = "vaeforge.bundle_id";

    private BundleFormat() {
    }
}
