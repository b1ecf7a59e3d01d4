/**
 * README recipes pointed at the demo API: the recipe's settings unchanged but for the origin of
 * its URLs (request, token endpoint), and the demo credentials in the shape each secret takes.
 */
import type { SourceSettingsInput } from "../core/settings";
import { recipes } from "../recipes";
import { DEMO_CREDENTIALS } from "./demo-saas-apis";

export interface LocalRecipe {
  settings: SourceSettingsInput;
  /** Secret id -> value to load into the Secrets Manager stand-in. */
  secrets: Record<string, string>;
}

const onDemo = (url: string, demoUrl: string) => {
  const u = new URL(url);
  return `${demoUrl}${u.pathname}${u.search}`;
};

export const recipeIds = () => recipes.map((r) => r.id);

export function localRecipe(
  id: string,
  demoUrl: string,
  credentials = DEMO_CREDENTIALS,
): LocalRecipe | undefined {
  const recipe = recipes.find((r) => r.id === id);
  return recipe ? onDemoApi(recipe.settings, demoUrl, credentials) : undefined;
}

/**
 * Any settings item written for one of the APIs the demo copies (a recipe, or a config/sources.ts
 * entry made from one), pointed at the demo API: origins swapped, demo credentials as secrets.
 */
export function onDemoApi(
  s: SourceSettingsInput,
  demoUrl: string,
  credentials = DEMO_CREDENTIALS,
): LocalRecipe {
  const auth = s.auth;
  const secrets: Record<string, string> = {};
  switch (auth.type) {
    case "none":
      break;
    case "bearer":
    case "header":
      secrets[auth.secretId] = credentials.token;
      break;
    case "query":
      secrets[auth.secretId] = credentials.apiKey;
      break;
    case "basic":
      secrets[auth.secretId] = JSON.stringify(credentials.basic);
      break;
    case "oauth2-client-credentials":
      secrets[auth.secretId] = JSON.stringify(credentials.client);
      break;
  }
  return {
    settings: {
      ...s,
      request: { ...s.request, url: onDemo(s.request.url, demoUrl) },
      auth:
        auth.type === "oauth2-client-credentials"
          ? { ...auth, tokenUrl: onDemo(auth.tokenUrl, demoUrl) }
          : auth,
    },
    secrets,
  };
}
