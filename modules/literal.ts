/**
 * Terraform interpolates `${...}` inside strings; `$${` is its escape for a literal `${`.
 * Use for text meant for another language (shell, CloudWatch agent, Athena templates).
 */
export function tfLiteral(text: string): string {
  return text.replace(/\$\{/g, () => "$${");
}
