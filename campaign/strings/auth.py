"""Sign-in, the user badge, roles and refusals."""

STRINGS: dict[str, dict[str, str]] = {
    # The badge in the sidebar
    "auth.badge.local": {"zh": "本地模式", "en": "Local mode"},
    "auth.badge.local_help": {
        "zh": "未配置登录：本机使用者拥有全部权限。"
        "共享到内网前请按 README 的“Deployment”配置登录。",
        "en": "No login configured: whoever uses this machine may do everything. Configure a "
        "login (README, Deployment) before sharing the link on the intranet.",
    },
    "auth.badge.user": {"zh": "{name} · {role}", "en": "{name} · {role}"},
    "auth.badge.district": {"zh": "仅限{district}明细", "en": "{district} detail only"},
    "auth.logout": {"zh": "退出登录", "en": "Sign out"},
    # Roles
    "auth.role.viewer": {"zh": "浏览", "en": "Viewer"},
    "auth.role.analyst": {"zh": "分析", "en": "Analyst"},
    "auth.role.steward": {"zh": "数据管理", "en": "Data steward"},
    "auth.role.admin": {"zh": "管理员", "en": "Administrator"},
    # The login screen
    "auth.login.title": {"zh": "登录攻势看板", "en": "Sign in to the Campaign Dashboard"},
    "auth.login.intro": {
        "zh": "请使用管理员分配的账号登录。",
        "en": "Sign in with the account your administrator gave you.",
    },
    "auth.login.name": {"zh": "用户名", "en": "User name"},
    "auth.login.password": {"zh": "密码", "en": "Password"},
    "auth.login.submit": {"zh": "登录", "en": "Sign in"},
    "auth.login.oidc": {"zh": "使用单位账号登录", "en": "Sign in with your organisation account"},
    "auth.login.signed_out": {"zh": "您已退出登录。", "en": "You have signed out."},
    # Why a sign-in or a page was refused
    "auth.refused.empty": {
        "zh": "请输入用户名和密码。",
        "en": "Enter your user name and password.",
    },
    "auth.refused.wrong": {
        "zh": "用户名或密码不正确。",
        "en": "The user name or password is not correct.",
    },
    "auth.refused.locked": {
        "zh": "登录失败次数过多，请 {minutes} 分钟后再试。",
        "en": "Too many failed sign-ins. Try again in {minutes} min.",
    },
    "auth.refused.expired": {
        "zh": "登录已过期，请重新登录。",
        "en": "Your session has expired. Please sign in again.",
    },
    "auth.refused.untrusted_proxy": {
        "zh": "访问被拒绝：请通过单位内网的统一入口打开看板。",
        "en": "Access refused: open the dashboard through the intranet's entry point.",
    },
    "auth.refused.no_header": {
        "zh": "访问被拒绝：入口未提供登录身份。",
        "en": "Access refused: the entry point did not say who you are.",
    },
    "auth.refused.unknown_user": {
        "zh": "账号“{name}”尚未开通看板权限，请联系管理员。",
        "en": 'The account "{name}" has no access to the dashboard yet; ask the administrator.',
    },
    "auth.refused.no_claim": {
        "zh": "身份提供方未返回账号信息（{claim}），请联系管理员。",
        "en": "The identity provider did not send the account ({claim}); ask the administrator.",
    },
    "auth.refused.config": {
        "zh": "登录配置有误，看板暂不可用。请联系管理员（详情见服务器日志）。",
        "en": "The sign-in configuration is broken, so the dashboard is closed. Ask the "
        "administrator (details in the server log).",
    },
    "auth.notice.district_limited": {
        "zh": "您的账号只能查看{district}的明细，已改为显示{district}。",
        "en": "Your account may see the detail of {district} only; showing {district}.",
    },
    # User management (admins)
    "auth.page.users": {"zh": "用户管理", "en": "Users"},
    "auth.users.only_users_mode": {
        "zh": "当前登录方式为“{mode}”：账号由{source}管理，此处只列出角色对照表。",
        "en": 'Sign-in mode is "{mode}": accounts are managed by {source}; this page only '
        "lists the role mapping.",
    },
    "auth.users.source.oidc": {"zh": "单位身份认证系统", "en": "the identity provider"},
    "auth.users.source.header": {"zh": "内网统一入口（反向代理）", "en": "the reverse proxy"},
    "auth.users.source.local": {"zh": "本机（未配置登录）", "en": "this machine (no login)"},
    "auth.users.none": {"zh": "还没有用户。", "en": "No users yet."},
    "auth.users.col.name": {"zh": "用户名", "en": "User name"},
    "auth.users.col.display": {"zh": "姓名", "en": "Name"},
    "auth.users.col.role": {"zh": "角色", "en": "Role"},
    "auth.users.col.district": {"zh": "限定区市", "en": "District limit"},
    "auth.users.edit": {"zh": "新增或修改用户", "en": "Add or change a user"},
    "auth.users.password_help": {
        "zh": "新用户必须设置密码（至少 8 位）；修改已有用户时留空表示不改密码。",
        "en": "A new user needs a password (8+ characters); leave it empty to keep an "
        "existing user's password.",
    },
    "auth.users.no_district": {"zh": "不限（全市及各区市）", "en": "None (all districts)"},
    "auth.users.save": {"zh": "保存", "en": "Save"},
    "auth.users.saved": {"zh": "已保存用户 {name}。", "en": "Saved {name}."},
    "auth.users.remove": {"zh": "删除用户", "en": "Remove a user"},
    "auth.users.remove_button": {"zh": "删除", "en": "Remove"},
    "auth.users.removed": {"zh": "已删除用户 {name}。", "en": "Removed {name}."},
    "auth.users.not_self": {
        "zh": "不能删除当前登录的账号。",
        "en": "You cannot remove the account you are signed in with.",
    },
    "auth.users.short_password": {
        "zh": "密码至少 8 位。",
        "en": "The password needs at least 8 characters.",
    },
    "auth.users.invalid": {"zh": "无法保存：{reason}", "en": "Cannot save: {reason}"},
    "auth.users.remove_confirm": {
        "zh": "删除用户 **{name}**？删除后该用户不能再登录（可以重新添加）。",
        "en": "Remove user **{name}**? They can no longer sign in (they can be added again).",
    },
}
