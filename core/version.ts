// Kept as a constant so bundled Lambda code needs no package.json at run time; a test keeps it in
// step with package.json.
export const WARD_VERSION = '0.1.0';
