"""API errors the emulator raises, with the server's codes, argument names and message templates.

Every template is ``CODE;ARG1,ARG2;message with @ARG1@``, the format of the server's own error
table: arguments become a name -> string map (``[]`` on the wire when empty), missing ones
``"N/A"``.

Codes the real server does not have, used where the emulator deliberately stops:

``ACTION_NOT_EMULATED`` (args ``SERVICE_NAME``, ``ACTION_NAME``)
    the service and action exist in the API schema, but the emulator does not implement them.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["APIError", "ERRORS", "api_error"]

ERRORS: dict[str, str] = {
    "INTERNAL_SERVERL_ERROR": ";Internal server error occurred",
    "MISSING_KS": ";Missing KS, session not established",
    "INVALID_KS": 'KSID,ERR_CODE,ERR_DESC;Invalid KS "@KSID@", Error "@ERR_CODE@,@ERR_DESC@"',
    "SERVICE_NOT_SPECIFIED": ";Service name was not specified, please specify one",
    "ACTION_NOT_SPECIFIED": ";Action name was not specified, please specify one",
    "SERVICE_DOES_NOT_EXISTS": 'SRV_NAME;Service "@SRV_NAME@" does not exists',
    "ACTION_DOES_NOT_EXISTS": (
        'ACTION_NAME,SERVICE_NAME;Action "@ACTION_NAME@" does not exists for service '
        '"@SERVICE_NAME@"'
    ),
    "ACTION_BLOCKED": (
        'ACTION_NAME,SERVICE_NAME;Action "@ACTION_NAME@" in service "@SERVICE_NAME@" is blocked'
    ),
    "ACTION_NOT_EMULATED": (
        'SERVICE_NAME,ACTION_NAME;Action "@ACTION_NAME@" of service "@SERVICE_NAME@" exists in '
        "the API but is not implemented by the Kaltura emulator"
    ),
    "SERVICE_FORBIDDEN": "SERVICE;The access to service [@SERVICE@] is forbidden",
    "MISSING_MANDATORY_PARAMETER": 'PARAM_NAME;Missing parameter "@PARAM_NAME@"',
    "INVALID_ENUM_VALUE": (
        'ENUM_VAL,PARAM_NAME,ENUM_TYPE;Invalid enumeration value "@ENUM_VAL@" for parameter '
        '"@PARAM_NAME@", expecting enumeration type "@ENUM_TYPE@"'
    ),
    "INVALID_PARAMETER_CHAR": 'XML_FIELD;Invalid char in "@XML_FIELD@" field',
    "OBJECT_TYPE_ABSTRACT": (
        'OBJ_TYPE;The object type "@OBJ_TYPE@" is abstract, use one of the object implementations'
    ),
    "PROPERTY_VALIDATION_CANNOT_BE_NULL": 'PROP_NAME;The property "@PROP_NAME@" cannot be null',
    "PROPERTY_VALIDATION_NOT_UPDATABLE": 'PROP_NAME;The property "@PROP_NAME@" cannot be updated',
    "PROPERTY_VALIDATION_WRONG_FORMAT": (
        'PROP_NAME,FORMAT;The property "@PROP_NAME@" must match format @FORMAT@'
    ),
    "PROPERTY_VALIDATION_MIN_LENGTH": (
        'PROP_NAME,MIN_LEN;The property "@PROP_NAME@" must have a min length of @MIN_LEN@ '
        "characters"
    ),
    "PROPERTY_VALIDATION_MAX_VALUE": (
        'PROP_NAME,MAX_VAL;The property "@PROP_NAME@" must have a max value of @MAX_VAL@'
    ),
    "PROPERTY_VALIDATION_ENTRY_STATUS": (
        'PROP_NAME,STATUS;The property "@PROP_NAME@" cannot be set for entry status "@STATUS@"'
    ),
    "PROPERTY_IS_NOT_DEFINED": 'PROP,TYPE;The property "@PROP@" is not defined on type "@TYPE@"',
    "START_SESSION_ERROR": "PID;Error while starting session for partner [@PID@]",
    "INVALID_WIDGET_ID": "WIDGET_ID;Unknown widget [@WIDGET_ID@]",
    "ENTRY_ID_NOT_FOUND": 'ENTRY_ID;Entry id "@ENTRY_ID@" not found',
    "INVALID_ENTRY_ID": "ENTRY_TYPE,ENTRY_ID;Unknown @ENTRY_TYPE@ [@ENTRY_ID@]",
    "ENTRY_ALREADY_WITH_CONTENT": ";Entry already associated with content",
    "PERMISSION_DENIED_TO_UPDATE_ENTRY": (
        ";User can update only the entries he own, otherwise an admin session must be used"
    ),
    "INVALID_OBJECT_ID": "ID;Invalid object id [@ID@]",
    "RESOURCE_TYPE_NOT_SUPPORTED": 'RES_TYPE;Resource type "@RES_TYPE@" not supported',
    "UPLOAD_ERROR": ";Upload failed",
    "INVALID_UPLOAD_TOKEN_ID": ";Invalid upload token id",
    "UPLOAD_TOKEN_NOT_FOUND": ";Upload token not found",
    "UPLOAD_TOKEN_INVALID_STATUS_FOR_UPLOAD": (
        ";Upload token is in an invalid status for uploading a file, maybe the file was "
        "already uploaded"
    ),
    "UPLOAD_TOKEN_INVALID_STATUS_FOR_ADD_ENTRY": (
        ";Upload token is in an invalid status for adding entry, maybe the a file was not "
        "uploaded or the token was used"
    ),
    "UPLOAD_TOKEN_CANNOT_RESUME": ";Cannot resume the upload, original file was not found",
    "UPLOAD_TOKEN_CANNOT_MATCH_EXPECTED_SIZE": ";Failed to match expected file size",
    "UPLOAD_TOKEN_MISSING_FILE_SIZE": ";FileSize is mandatory when enabling autoFinalize",
    "UPLOAD_PASSED_MAX_RESUME_TIME_ALLOWED": (
        "MAX_RESUME_TIME;Max resume time of @MAX_RESUME_TIME@ seconds reached, cannot resume upload"
    ),
    "MAX_ALLOWED_CHUNK_COUNT_EXCEEDED": (
        ";Max allowed waiting chunks to be concatenated has exceeded allowed limit"
    ),
    "UPLOADED_FILE_NOT_FOUND_BY_TOKEN": (
        ";The uploaded file was not found by the given token id, or was already used"
    ),
    "FLAVOR_ASSET_ID_NOT_FOUND": 'ID;Flavor asset id "@ID@" not found',
    "THUMB_ASSET_ID_NOT_FOUND": 'ID;The Thumbnail asset id "@ID@" not found',
    "CAPTION_ASSET_ID_NOT_FOUND": 'ASSET_ID;Caption asset id "@ASSET_ID@" not found',
    "CATEGORY_NOT_FOUND": 'ID;Category id "@ID@" not found',
    "PARENT_CATEGORY_NOT_FOUND": 'ID;Parent category id "@ID@" not found',
    "DUPLICATE_CATEGORY": 'CATEGORY;The category "@CATEGORY@" already exists',
    "CATEGORY_ENTRY_ALREADY_EXISTS": ";Entry already assigned to this category",
    "ENTRY_IS_NOT_ASSIGNED_TO_CATEGORY": ";Entry doesn't assigned to category",
    "INVALID_USER_ID": ";Invalid user id",
    "DUPLICATE_USER_BY_ID": "UID;User with id [@UID@] already exists in system",
    "APP_TOKEN_ID_NOT_FOUND": 'ID;Application token id "@ID@" not found',
    "APP_TOKEN_NOT_ACTIVE": 'ID;Application token id "@ID@" not active',
    "APP_TOKEN_EXPIRED": 'ID;Application token id "@ID@" expired',
    "INVALID_APP_TOKEN_HASH": ";Invalid application token hash",
    "METADATA_NOT_FOUND": 'ID;Metadata id "@ID@" not found',
    "METADATA_PROFILE_NOT_FOUND": 'ID;Metadata profile id "@ID@" not found',
    "METADATA_ALREADY_EXISTS": 'ID;Metadata already exists for object id "@ID@"',
    "UICONF_ID_NOT_FOUND": 'ID;UI conf id "@ID@" not found',
    "ACCESS_CONTROL_ID_NOT_FOUND": 'ID;Access control id "@ID@" not found',
    "SYSTEM_NAME_ALREADY_EXISTS": "SYS_NAME;System name [@SYS_NAME@] already exists",
    "RESPONSE_PROFILE_NAME_NOT_FOUND": (
        "SYSTEM_NAME;Response profile name [@SYSTEM_NAME@] not found"
    ),
    "RESPONSE_PROFILE_ID_NOT_FOUND": "ID;Response profile id [@ID@] not found",
    "RESPONSE_PROFILE_DUPLICATE_SYSTEM_NAME": (
        "SYSTEM_NAME;Response profile system-name [@SYSTEM_NAME@] already exists"
    ),
    "RESPONSE_PROFILE_MAX_NESTING_LEVEL": ";Response profile cross maximum nesting level",
    "INVALID_RANK_VALUE": ";Invalid rank value",
    "INVALID_PLAYLIST_TYPE": ";Invalid playlist type",
    "QUERY_EXCEEDED_MAX_MATCHES_ALLOWED": ";Unable to generate list. max matches value was reached",
}

_TAGS = re.compile(r"<[^>]*>")


class APIError(Exception):
    """A KalturaAPIException as the server would send it (code, message, args)."""

    def __init__(self, code: str, message: str, args: dict[str, str]) -> None:
        super().__init__(code)
        self.code = code
        self.message = message
        self.args_map = args

    def to_wire(self) -> dict[str, Any]:
        """The JSON shape: code, message, objectType, args (``[]`` when there are none)."""
        return {
            "code": self.code,
            "message": self.message,
            "objectType": "KalturaAPIException",
            "args": dict(self.args_map) if self.args_map else [],
        }


def api_error(code: str, *values: object) -> APIError:
    """Build the error ``code`` from its template, filling arguments in order."""
    names_part, _, message = ERRORS[code].partition(";")
    args: dict[str, str] = {}
    for i, name in enumerate(n for n in names_part.split(",") if n):
        value = _TAGS.sub("", _php_str(values[i])) if i < len(values) else "N/A"
        args[name] = value
        message = message.replace(f"@{name}@", value)
    return APIError(code, message, args)


def _php_str(value: object) -> str:
    if value is None or value is False:
        return ""
    if value is True:
        return "1"
    return str(value)
