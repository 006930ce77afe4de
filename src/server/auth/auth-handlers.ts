/** Handlers of the users, tokens and grants routes (MLflow's auth API and the platform's). */

import type { AuditLog } from "../../auth/audit-log.js";
import type { AuthService } from "../../auth/auth-service.js";
import type { GrantRecord, TokenRecord, UserRecord } from "../../auth/auth-store.js";
import { EVERYONE } from "../../auth/auth-store.js";
import { parsePermission, wirePermission } from "../../auth/permission.js";
import type { Principal } from "../../auth/principal.js";
import type { ResourceType } from "../../core/api/access.js";
import type { GrantInfo, TokenInfo, UserInfo } from "../../core/api/auth-routes.js";
import { parseDuration } from "../../core/duration.js";
import { invalidParam, MwError } from "../../core/errors.js";

type Req = Record<string, unknown>;
/** A handler of an auth route: the parsed request and the caller. */
export type AuthHandler = (req: Req, caller: Principal) => Promise<unknown>;

/** Every auth route's handler, by route name. */
export function authHandlers(auth: AuthService, audit?: AuditLog): Record<string, AuthHandler> {
  const userInfo = async (u: UserRecord): Promise<UserInfo> => {
    const grants = await auth.listGrants({ userId: u.id });
    const of = (t: ResourceType) => grants.filter((g) => g.resourceType === t);
    return {
      id: u.id,
      username: u.username,
      is_admin: u.isAdmin,
      experiment_permissions: of("experiment").map((g) => ({
        experiment_id: g.resourceId,
        user_id: g.userId,
        permission: wirePermission(g.permission),
      })),
      registered_model_permissions: of("registered_model").map((g) => ({
        name: g.resourceId,
        user_id: g.userId,
        permission: wirePermission(g.permission),
      })),
    };
  };
  const userId = async (name: unknown) => (await auth.getUser(String(name))).id;
  const grant = async (type: ResourceType, id: string, req: Req) => {
    const permission = parsePermission(req.permission);
    const g: GrantRecord = { resourceType: type, resourceId: id, userId: await userId(req.username), permission };
    await auth.setGrant(g);
    return g;
  };
  const platformGrants = (type: ResourceType): Record<string, AuthHandler> => {
    const cap = { dataset: "Dataset", deployment: "Deployment", pipeline: "Pipeline" }[type as "dataset"];
    return {
      [`list${cap}Permissions`]: async (req) => ({
        permissions: await grantInfos(
          auth,
          await auth.listGrants({ resourceType: type, resourceId: String(req.name) }),
        ),
      }),
      [`set${cap}Permission`]: async (req) => {
        const id = String(req.name);
        const permission = parsePermission(req.permission);
        let g: GrantRecord;
        if (req.username === "*") {
          if (permission !== "read" && permission !== "none")
            throw invalidParam("Invalid value for 'permission': everyone ('*') may only get READ or NO_PERMISSIONS.");
          g = { resourceType: type, resourceId: id, userId: EVERYONE, permission };
          await auth.setGrant(g);
        } else g = await grant(type, id, req);
        return { permission: (await grantInfos(auth, [g]))[0] };
      },
      [`delete${cap}Permission`]: async (req) => {
        await auth.deleteGrant(type, String(req.name), req.username === "*" ? EVERYONE : await userId(req.username));
        return {};
      },
    };
  };
  return {
    createUser: async (req) => ({
      user: await userInfo(await auth.createUser(String(req.username), String(req.password))),
    }),
    getUser: async (req) => ({ user: await userInfo(await auth.getUser(String(req.username))) }),
    updateUserPassword: async (req) => {
      await auth.updatePassword(String(req.username), String(req.password));
      return {};
    },
    updateUserAdmin: async (req) => {
      await auth.updateAdmin(String(req.username), req.is_admin === true);
      return {};
    },
    deleteUser: async (req) => {
      await auth.deleteUser(String(req.username));
      return {};
    },
    createExperimentPermission: async (req) =>
      experimentAnswer(await grant("experiment", String(req.experiment_id), req)),
    getExperimentPermission: async (req) =>
      experimentAnswer(await auth.getGrant("experiment", String(req.experiment_id), await userId(req.username))),
    updateExperimentPermission: async (req) => {
      await auth.getGrant("experiment", String(req.experiment_id), await userId(req.username));
      await grant("experiment", String(req.experiment_id), req);
      return {};
    },
    deleteExperimentPermission: async (req) => {
      await auth.deleteGrant("experiment", String(req.experiment_id), await userId(req.username));
      return {};
    },
    createRegisteredModelPermission: async (req) => modelAnswer(await grant("registered_model", String(req.name), req)),
    getRegisteredModelPermission: async (req) =>
      modelAnswer(await auth.getGrant("registered_model", String(req.name), await userId(req.username))),
    updateRegisteredModelPermission: async (req) => {
      await auth.getGrant("registered_model", String(req.name), await userId(req.username));
      await grant("registered_model", String(req.name), req);
      return {};
    },
    deleteRegisteredModelPermission: async (req) => {
      await auth.deleteGrant("registered_model", String(req.name), await userId(req.username));
      return {};
    },
    listAudit: async (req) => {
      if (!audit) throw new MwError("NOT_IMPLEMENTED", "This server keeps no audit log.");
      const records = await audit.list({
        ...(req.limit !== undefined ? { limit: Number(req.limit) } : {}),
        ...(req.since_time !== undefined ? { sinceTime: Number(req.since_time) } : {}),
        ...(typeof req.actor === "string" ? { actor: req.actor } : {}),
        ...(typeof req.target_type === "string" ? { targetType: req.target_type } : {}),
        ...(typeof req.target === "string" ? { target: req.target } : {}),
      });
      return {
        records: records.map((r) => ({
          id: r.id,
          time: r.time,
          actor: r.actor,
          action: r.action,
          target_type: r.targetType,
          target: r.target,
          status: r.status,
          ...(r.address !== undefined ? { address: r.address } : {}),
          ...(r.request !== undefined ? { request: r.request } : {}),
          ...(r.before !== undefined ? { before: r.before } : {}),
          ...(r.after !== undefined ? { after: r.after } : {}),
        })),
      };
    },
    listUsers: async () => ({ users: await Promise.all((await auth.listUsers()).map(userInfo)) }),
    listTokens: async (req, caller) => ({
      tokens: await tokenInfos(
        auth,
        await auth.listTokens(req.all === true && caller.isAdmin ? undefined : caller.userId),
      ),
    }),
    createToken: async (req, caller) => {
      const expires = req.expires_in === undefined ? undefined : Date.now() + durationMs(String(req.expires_in));
      const { token, record } = await auth.issueToken(caller.userId, String(req.name ?? "token"), expires);
      return { token, token_info: (await tokenInfos(auth, [record]))[0] };
    },
    revokeToken: async (req, caller) => {
      await auth.revokeToken(String(req.id), caller);
      return {};
    },
    ...platformGrants("dataset"),
    ...platformGrants("deployment"),
    ...platformGrants("pipeline"),
  };
}

function durationMs(text: string): number {
  let ms: number;
  try {
    ms = parseDuration("expires_in", text);
  } catch {
    throw invalidParam(`Invalid value for 'expires_in': expected a duration like 30d, 12h or 90m, got '${text}'.`);
  }
  if (!(ms > 0)) throw invalidParam("Invalid value for 'expires_in': expected a positive duration.");
  return ms;
}

const experimentAnswer = (g: GrantRecord) => ({
  experiment_permission: { experiment_id: g.resourceId, user_id: g.userId, permission: wirePermission(g.permission) },
});
const modelAnswer = (g: GrantRecord) => ({
  registered_model_permission: { name: g.resourceId, user_id: g.userId, permission: wirePermission(g.permission) },
});

async function usernames(auth: AuthService, ids: number[]): Promise<Map<number, string>> {
  const users = await auth.listUsers();
  const m = new Map(users.filter((u) => ids.includes(u.id)).map((u) => [u.id, u.username]));
  m.set(EVERYONE, "*");
  return m;
}

async function grantInfos(auth: AuthService, grants: GrantRecord[]): Promise<GrantInfo[]> {
  const names = await usernames(
    auth,
    grants.map((g) => g.userId),
  );
  return grants.map((g) => ({
    resource_type: g.resourceType,
    resource_id: g.resourceId,
    username: names.get(g.userId) ?? String(g.userId),
    permission: wirePermission(g.permission),
  }));
}

async function tokenInfos(auth: AuthService, tokens: TokenRecord[]): Promise<TokenInfo[]> {
  const names = await usernames(
    auth,
    tokens.map((t) => t.userId),
  );
  return tokens.map((t) => ({
    id: t.id,
    name: t.name,
    username: names.get(t.userId) ?? String(t.userId),
    created_time: t.createdTime,
    ...(t.expiresTime !== undefined ? { expires_time: t.expiresTime } : {}),
    ...(t.revokedTime !== undefined ? { revoked_time: t.revokedTime } : {}),
  }));
}
