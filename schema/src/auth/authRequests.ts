/**
 * Users and permissions on a team server, as MLflow's basic-auth app has them on the wire:
 * `/api/2.0/mlflow/users/…`, `…/experiments/permissions/…`, `…/registered-models/permissions/…`,
 * MLflow 3's `/api/3.0/mlflow/users/permissions/{grant,revoke,get}`, and lablog's own sign-in
 * (`/api/2.0/lablog/auth/…`: a session cookie for the page, personal tokens for scripts).
 */
import { Type, type Static } from 'typebox';

/** MLflow's permission levels (READ < EDIT < MANAGE; NO_PERMISSIONS denies). */
export const PermissionName = Type.Union([Type.Literal('READ'), Type.Literal('EDIT'), Type.Literal('MANAGE'), Type.Literal('NO_PERMISSIONS')], {
  $id: 'auth.PermissionName',
});
export type PermissionName = Static<typeof PermissionName>;

const Username = Type.String({ minLength: 1, maxLength: 256 });
/** Passwords are hashed as given; the cap only bounds the hashing work one request may ask for. */
const Password = Type.String({ minLength: 1, maxLength: 1024 });
const ExperimentId = Type.String({ minLength: 1, maxLength: 256 });
const ModelName = Type.String({ minLength: 1, maxLength: 256 });

/** A user as MLflow answers it (never the password hash). */
export const WireUser = Type.Object(
  {
    id: Type.Integer(),
    username: Type.String(),
    is_admin: Type.Boolean(),
    experiment_permissions: Type.Optional(Type.Array(Type.Object({ experiment_id: Type.String(), user_id: Type.Integer(), permission: PermissionName }))),
    registered_model_permissions: Type.Optional(Type.Array(Type.Object({ name: Type.String(), user_id: Type.Integer(), permission: PermissionName }))),
  },
  { $id: 'auth.User' },
);
export type WireUser = Static<typeof WireUser>;

/** `POST users/create`. */
export const CreateUser = Type.Object({ username: Username, password: Password }, { $id: 'auth.CreateUser' });
/** `GET users/get?username=`. */
export const UserQuery = Type.Object({ username: Username }, { $id: 'auth.UserQuery' });
/** `PATCH users/update-password`; `current_password` when users change their own. */
export const UpdatePassword = Type.Object({ username: Username, password: Password, current_password: Type.Optional(Password) }, { $id: 'auth.UpdatePassword' });
/** `PATCH users/update-admin`. */
export const UpdateAdmin = Type.Object({ username: Username, is_admin: Type.Boolean() }, { $id: 'auth.UpdateAdmin' });

/** `experiments/permissions/{create,update}` bodies. */
export const ExperimentPermissionSet = Type.Object({ experiment_id: ExperimentId, username: Username, permission: PermissionName }, { $id: 'auth.ExperimentPermissionSet' });
/** `experiments/permissions/{get,delete}`. */
export const ExperimentPermissionRef = Type.Object({ experiment_id: ExperimentId, username: Username }, { $id: 'auth.ExperimentPermissionRef' });
/** `registered-models/permissions/{create,update}` bodies. */
export const ModelPermissionSet = Type.Object({ name: ModelName, username: Username, permission: PermissionName }, { $id: 'auth.ModelPermissionSet' });
/** `registered-models/permissions/{get,delete}`. */
export const ModelPermissionRef = Type.Object({ name: ModelName, username: Username }, { $id: 'auth.ModelPermissionRef' });

/** MLflow 3's resource kinds for the unified grant endpoints. */
export const ResourceType = Type.Union([Type.Literal('experiment'), Type.Literal('registered_model')], { $id: 'auth.ResourceType' });
export type ResourceType = Static<typeof ResourceType>;
/** `POST /api/3.0/mlflow/users/permissions/grant`. */
export const GrantPermission = Type.Object({ username: Username, resource_type: ResourceType, resource_id: Type.String({ minLength: 1, maxLength: 256 }), permission: PermissionName }, { $id: 'auth.GrantPermission' });
/** `…/users/permissions/{revoke,get}`. */
export const PermissionRef = Type.Object({ username: Username, resource_type: ResourceType, resource_id: Type.String({ minLength: 1, maxLength: 256 }) }, { $id: 'auth.PermissionRef' });

/** `GET /api/2.0/lablog/auth/experiment-permissions?experiment_id=`: who may do what on an experiment (for its managers). */
export const ExperimentQuery = Type.Object({ experiment_id: ExperimentId }, { $id: 'auth.ExperimentQuery' });
/** Its reply. */
export const ExperimentAccessList = Type.Object(
  { experiment_id: Type.String(), default_permission: PermissionName, permissions: Type.Array(Type.Object({ username: Type.String(), permission: PermissionName })) },
  { $id: 'auth.ExperimentAccessList' },
);
export type ExperimentAccessList = Static<typeof ExperimentAccessList>;

/** `POST /api/2.0/lablog/auth/login`: answers with a session cookie. */
export const Login = Type.Object({ username: Username, password: Password }, { $id: 'auth.Login' });
/** `POST /api/2.0/lablog/auth/tokens`: a personal token for the signed-in user, shown once. */
export const CreateToken = Type.Object({ name: Type.String({ minLength: 1, maxLength: 128 }) }, { $id: 'auth.CreateToken' });
/** Who is signed in (`GET /api/2.0/lablog/auth/whoami`, and the login reply). */
export const WhoAmI = Type.Object({ auth: Type.Boolean(), username: Type.Optional(Type.String()), is_admin: Type.Optional(Type.Boolean()) }, { $id: 'auth.WhoAmI' });
export type WhoAmI = Static<typeof WhoAmI>;
