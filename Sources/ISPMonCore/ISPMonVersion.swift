/// This build's version: in `monitor started` events, the pages' footers and the reports.
public enum ISPMonVersion {
    public static let current = "0.3.0"
}
