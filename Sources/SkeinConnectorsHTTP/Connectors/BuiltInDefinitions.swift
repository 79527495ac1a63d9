/// The connector definitions shipped with Skein: `Definitions/*.yaml`, embedded in the binary by
/// SwiftPM (`.embedInCode` in Package.swift), so an installed `skein` needs no resource bundle.
enum BuiltInDefinitions {
    static var files: [(name: String, bytes: [UInt8])] {
        [
            ("shopify.yaml", PackageResources.shopify_yaml), ("woocommerce.yaml", PackageResources.woocommerce_yaml),
            ("bigcommerce.yaml", PackageResources.bigcommerce_yaml), ("magento.yaml", PackageResources.magento_yaml),
        ]
    }
}
