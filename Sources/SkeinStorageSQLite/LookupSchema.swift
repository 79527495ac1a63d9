/// Tables of migration `0014_lookups`: cross-reference lookup tables and their rows (left values
/// unique per table; `position` keeps the order rows were added in).
enum LookupSchema {
    static let migration = """
        CREATE TABLE lookups (
            name TEXT PRIMARY KEY,
            description TEXT NOT NULL,
            default_value TEXT,
            updated_at REAL NOT NULL
        );
        CREATE TABLE lookup_rows (
            lookup_name TEXT NOT NULL REFERENCES lookups(name) ON DELETE CASCADE,
            left_value TEXT NOT NULL,
            right_value TEXT NOT NULL,
            position INTEGER NOT NULL,
            PRIMARY KEY (lookup_name, left_value)
        );
        CREATE INDEX lookup_rows_in_order ON lookup_rows(lookup_name, position);
        """
}
