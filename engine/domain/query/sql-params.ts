/** Collects bind parameters and hands out PostgreSQL placeholders ($1, $2, ...): values never enter SQL text. */
export class SqlParams {
  readonly values: unknown[] = [];

  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}
