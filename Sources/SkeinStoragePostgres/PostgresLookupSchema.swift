/// Tables of migration `0010_pg_lookups` (SQLite's `0014_lookups`): cross-reference lookup
/// tables and their rows (left values unique per table; `position` keeps the order rows were added in).
enum PostgresLookupSchema {
    static let migration = """
        CREATE TABLE lookups (
            name text COLLATE "C" PRIMARY KEY,
            description text NOT NULL,
            default_value text,
            updated_at double precision NOT NULL
        );
        CREATE TABLE lookup_rows (
            lookup_name text COLLATE "C" NOT NULL REFERENCES lookups (name) ON DELETE CASCADE,
            left_value text COLLATE "C" NOT NULL,
            right_value text NOT NULL,
            position integer NOT NULL,
            PRIMARY KEY (lookup_name, left_value)
        );
        CREATE INDEX lookup_rows_in_order ON lookup_rows(lookup_name, position)
        """
}
