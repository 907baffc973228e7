"""One settings module, driven by environment variables.

GONGHUI_VAR_DIR     where the SQLite database, the generated secret key and collected static live (./var)
DATABASE_URL        e.g. postgres://user:pass@127.0.0.1:5432/gonghui (default: SQLite in GONGHUI_VAR_DIR)
SECRET_KEY          if unset, generated once into GONGHUI_VAR_DIR/secret_key with mode 0600
DEBUG               "1"/"true" to turn debug on; off otherwise
ALLOWED_HOSTS       comma-separated (default: localhost,127.0.0.1,[::1])
CSRF_TRUSTED_ORIGINS comma-separated origins, for a reverse proxy
DATABASE_REPLICA_URLS comma-separated PostgreSQL streaming replicas; dashboards, statistics, ledgers and exports
                    read from them (gonghui/core/db.py)
REPLICA_PIN_SECONDS after a user's write, their pages read from the primary this long (5)
REPLICA_MAX_LAG_SECONDS a replica further behind than this is left out until it catches up (1)
HTTPS               "1" behind a TLS-terminating reverse proxy: secure cookies, HSTS, redirect to https, and the
                    proxy's X-Forwarded-Proto trusted
HSTS_SECONDS        Strict-Transport-Security max-age when HTTPS is on (31536000); HSTS_INCLUDE_SUBDOMAINS and
                    HSTS_PRELOAD "1" when every subdomain of the site's domain is on HTTPS too
PROXY_COUNT         reverse proxies in front of the server whose X-Forwarded-For is trusted (0; nginx in front: 1)
LOG_FORMAT          "json" (default: one JSON object per request and per message) or "text"
LOG_LEVEL           the level of Gonghui's own and Django's messages (INFO: every request is logged)
"""

import os
import secrets
from pathlib import Path

import dj_database_url

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = PACKAGE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("GONGHUI_VAR_DIR", BASE_DIR / "var")).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _secret_key() -> str:
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        # O_EXCL: two processes starting at once must not write two different keys.
        try:
            fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(50))
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = _env_bool("DEBUG")
ALLOWED_HOSTS = _env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = _env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "gonghui.core",
    "gonghui.accounts",
    "gonghui.orgs",
    "gonghui.members",
    "gonghui.activities",
    "gonghui.care",
    "gonghui.plans",
    "gonghui.rights",
]

MIDDLEWARE = [
    "gonghui.core.requestlog.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "gonghui.core.middleware.DatabaseUnavailableMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "gonghui.core.db.ReplicaMiddleware",
    "gonghui.accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "gonghui.urls"
WSGI_APPLICATION = "gonghui.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "gonghui.accounts.context_processors.shell",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'gonghui.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while the worker writes; IMMEDIATE avoids lock upgrades mid-transaction.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
else:
    # a database host that drops packets must not hold a page (or the health check) for minutes
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
# Streaming replicas (PostgreSQL): read-only aliases replica1, replica2, …; core/db.py decides which reads go there.
for _number, _url in enumerate(_env_list("DATABASE_REPLICA_URLS", ""), start=1):
    DATABASES[f"replica{_number}"] = dj_database_url.parse(
        _url, conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")), conn_health_checks=True
    )
    DATABASES[f"replica{_number}"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 3)
    # tests read the test database through the replica alias too (the replica tests start a real one)
    DATABASES[f"replica{_number}"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["gonghui.core.db.ReplicaRouter"]
REPLICA_PIN_SECONDS = float(os.environ.get("REPLICA_PIN_SECONDS", "5"))
REPLICA_MAX_LAG_SECONDS = float(os.environ.get("REPLICA_MAX_LAG_SECONDS", "1"))
REPLICA_CHECK_SECONDS = float(os.environ.get("REPLICA_CHECK_SECONDS", "2"))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Lockout after repeated failures (django-axes): per username and address pair.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.5"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
# Reverse proxies in front of the server (nginx: 1). Their X-Forwarded-For names the client for the logs and the
# lockout; with 0 it is ignored, since a client could forge it.
PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "gonghui.core.requestlog.client_ip"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 10
# HTTPS=1: the site is served over TLS by a reverse proxy (README, Deployment), which sets X-Forwarded-Proto.
HTTPS = _env_bool("HTTPS")
SESSION_COOKIE_SECURE = HTTPS or _env_bool("SECURE_COOKIES")
CSRF_COOKIE_SECURE = HTTPS or _env_bool("SECURE_COOKIES")
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^health/$"]  # the proxy and the monitors ask over plain HTTP on loopback
    SECURE_HSTS_SECONDS = int(os.environ.get("HSTS_SECONDS", "31536000"))
    # for a domain whose every subdomain is on HTTPS (the deploy check warns while they are off)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("HSTS_INCLUDE_SUBDOMAINS")
    SECURE_HSTS_PRELOAD = _env_bool("HSTS_PRELOAD")
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = VAR_DIR / "media"

TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "gonghui.core.requestlog.JsonFormatter"},
        "text": {
            "()": "gonghui.core.requestlog.TextFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": os.environ.get("LOG_FORMAT", "json")},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {
        # one line per request (core/requestlog.py); Django's own request logger would repeat the 4xx ones, so
        # it keeps only the tracebacks of 500s
        "gonghui.request": {"level": os.environ.get("REQUEST_LOG_LEVEL", "INFO"), "propagate": True},
        "django.request": {"level": "ERROR"},
    },
}

# Rules that differ between provinces or units are settings (DOMAIN.md), with the national defaults.
GONGHUI_RULES = {
    # 女职工委员会工作条例 §11: 10 or more women members → a 女职工委员会 (Shanghai: 25).
    "WOMEN_COMMITTEE_THRESHOLD": int(os.environ.get("GONGHUI_WOMEN_COMMITTEE_THRESHOLD", "10")),
    # 工会法 §11: 25 or more members → a 工会委员会.
    "COMMITTEE_MEMBER_THRESHOLD": 25,
    # Coverage targets count units with this many staff or more.
    "COVERAGE_MIN_STAFF": int(os.environ.get("GONGHUI_COVERAGE_MIN_STAFF", "25")),
    # 工会法 §14: 200 or more staff → a full-time chair may be appointed.
    "FULL_TIME_CHAIR_STAFF": 200,
    # 女职工劳动保护: gynaecological check yearly; all staff every two years (common unit practice).
    "WOMEN_GYNAECOLOGICAL_CHECK_MONTHS": int(os.environ.get("GONGHUI_WOMEN_GYNAECOLOGICAL_CHECK_MONTHS", "12")),
    "WOMEN_GENERAL_CHECK_MONTHS": int(os.environ.get("GONGHUI_WOMEN_GENERAL_CHECK_MONTHS", "24")),
    # 会员会籍管理办法: six months without dues or union life → flagged for an officer to decide.
    "INACTIVITY_MONTHS": int(os.environ.get("GONGHUI_INACTIVITY_MONTHS", "6")),
    # an activity's check-in QR code is valid this many hours after it is shown
    "ACTIVITY_CHECKIN_HOURS": int(os.environ.get("GONGHUI_ACTIVITY_CHECKIN_HOURS", "4")),
    # an uploaded roster (every 身份证号 in clear) that was checked but not imported is deleted this many hours
    # after its last step; an imported one at once
    "IMPORT_UPLOAD_HOURS": int(os.environ.get("GONGHUI_IMPORT_UPLOAD_HOURS", "24")),
    # largest photo or document attached to a record
    "ATTACHMENT_MAX_MB": int(os.environ.get("GONGHUI_ATTACHMENT_MAX_MB", "10")),
}

# Care (DOMAIN.md, Care): the visit reasons and the spending caps are provincial or local practice, so they are
# settings. The caps below are the Anhui 2025 defaults; each rule names its source, shown when it refuses.
GONGHUI_PLANS = {
    # 信息报送: articles a union owes the node above each year (DOMAIN.md, typical indicators: ≥ 2 篇/年)
    "INFO_REPORTS_PER_YEAR": int(os.environ.get("GONGHUI_INFO_REPORTS_PER_YEAR", "2")),
    # a counted indicator is "at risk" when its actual is below this share of the target's pro-rata pace
    "AT_RISK_PACE": 0.9,
    # 职代会/教代会 is required from this many staff and meets at least once a year (DOMAIN.md)
    "CONGRESS_MIN_STAFF": int(os.environ.get("GONGHUI_CONGRESS_MIN_STAFF", "100")),
}

GONGHUI_CARE = {
    # 走访慰问 reasons ("五必访" is local practice): code → (Chinese label, the assistance kind a gift counts as)
    "VISIT_REASONS": {
        "illness": ("生病住院", "illness"),
        "marriage": ("结婚", "marriage"),
        "birth": ("生育", "birth"),
        "bereavement": ("直系亲属去世", "bereavement"),
        "retirement": ("退休", "retirement"),
        "hardship": ("生活困难", "living"),
        "festival": ("节日慰问", "festival"),
        "birthday": ("生日", "birthday"),
    },
    "CAPS_SOURCE": os.environ.get("GONGHUI_CARE_CAPS_SOURCE", "安徽省总工会基层工会经费使用标准（2025）"),
    # per: "payment" (each payment), "year" (per member and calendar year, all kinds of the rule together),
    # "case-year" (the same case, e.g. the same illness, at most once a year)
    "CAPS": [
        {"name": "节日慰问品", "kinds": ["festival"], "per": "year", "max": "2200",
         "refused_forms": ["cash", "shopping_card"]},
        {"name": "生日慰问", "kinds": ["birthday"], "per": "year", "max": "500"},
        # marriage, birth, hospital, bereavement, retirement ≤ 2,000 each: per member and year for each kind (so an
        # event's gift cannot be split into several payments), per payment and per illness for illness
        {"name": "结婚慰问", "kinds": ["marriage"], "per": "year", "max": "2000"},
        {"name": "生育慰问", "kinds": ["birth"], "per": "year", "max": "2000"},
        {"name": "丧葬慰问", "kinds": ["bereavement"], "per": "year", "max": "2000"},
        {"name": "退休慰问", "kinds": ["retirement"], "per": "year", "max": "2000"},
        {"name": "住院慰问", "kinds": ["illness"], "per": "payment", "max": "2000"},
        {"name": "同一疾病慰问", "kinds": ["illness"], "per": "case-year", "max": "2000"},
        {"name": "困难帮扶", "kinds": ["living", "medical", "education", "warmth"], "per": "payment", "max": "2000",
         "needs_hardship_file": True},
    ],
    # 退休人员不得使用工会经费慰问 (DOMAIN.md): union funds are refused for retired members
    "NO_UNION_FUNDS_FOR_RETIREES": True,
    # 无预算不得开支、不得超预算开支: union-funded care needs a budget line with enough left
    "BUDGET_REQUIRED": True,
    # 困难职工档案: reviewed every year; six months above the 低保 line → 已脱困
    "HARDSHIP_REVIEW_MONTHS": 12,
    "HARDSHIP_RELIEF_MONTHS": 6,
    # retirement reminders: the statutory base ages (men 60, women workers 50, women cadres 55), raised step by
    # step for later births by the 2024 decision on gradually delaying the statutory retirement age (care/retirement.py)
    "RETIREMENT_AGE_MEN": 60,
    "RETIREMENT_AGE_WOMEN": int(os.environ.get("GONGHUI_RETIREMENT_AGE_WOMEN", "55")),
}
