"""Sign-in through a directory of people (issue 30): the users file for the demo and small sites, the
province's LDAP directory at scale, and its OpenID Connect provider; units, roles and positions mapped from
the directory by a mapping file; directory people kept in the service's SQL database and re-checked at most
every 15 minutes.

The face: ``Directory`` (the protocol), its two kinds, the OpenID provider, the mapping, the people store and
``People`` (sign-in and "who is this now" for tokens and API keys)."""

from assistant.service.directory.directory import Directory, DirectoryUnavailable
from assistant.service.directory.ldap import LdapConfig, LdapDirectory, acceptable_username
from assistant.service.directory.mapping import DirectoryMapping, MappingFile, load_mapping
from assistant.service.directory.oidc import InvalidProviderToken, OidcConfig, OidcProvider, pkce_pair
from assistant.service.directory.people import MAX_RECHECK, People, PeopleStore, StoredPerson
from assistant.service.directory.person import SOURCE_FILE, SOURCE_LDAP, SOURCE_OIDC, SOURCE_WORDS, Person
from assistant.service.directory.users_file import UsersFileDirectory, person_of

__all__ = [
    "MAX_RECHECK",
    "SOURCE_FILE",
    "SOURCE_LDAP",
    "SOURCE_OIDC",
    "SOURCE_WORDS",
    "Directory",
    "DirectoryMapping",
    "DirectoryUnavailable",
    "InvalidProviderToken",
    "LdapConfig",
    "LdapDirectory",
    "MappingFile",
    "OidcConfig",
    "OidcProvider",
    "People",
    "PeopleStore",
    "Person",
    "StoredPerson",
    "UsersFileDirectory",
    "acceptable_username",
    "load_mapping",
    "person_of",
    "pkce_pair",
]
