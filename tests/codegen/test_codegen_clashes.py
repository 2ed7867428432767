"""Name clashes: the list for the shipped schema, and each resolution rule on a small schema."""

from __future__ import annotations

from pathlib import Path

from kaltura_async.codegen import load_schema, parse_schema, plan_names, render_all


def test_clashes_of_the_shipped_schema(schema_path: Path) -> None:
    clashes = [c.describe() for c in plan_names(load_schema(schema_path)).clashes]
    assert clashes == [
        "field in KalturaAkamaiUniversalProvisionJobData: 'stream_id' wanted by "
        "KalturaProvisionJobData.streamID -> stream_id, streamId -> stream_id_2",
        "service in KalturaClient: 'upload' wanted by "
        "KalturaClient.upload -> upload, upload -> upload_service",
    ]


_SMALL = b"""<?xml version="1.0"?>
<xml apiVersion="1.0.0" generatedDate="0">
  <enums>
    <enum name="KalturaThing" enumType="string">
      <const name="virusScan.Infected" value="virusScan.Infected"/>
      <const name="1080P" value="1080p"/>
    </enum>
    <enum name="KalturaColor" enumType="int">
      <const name="RED" value="1"/>
    </enum>
  </enums>
  <classes>
    <class name="KalturaThing">
      <property name="streamID" type="string" readOnly="0" insertOnly="0"/>
      <property name="not" type="bool" readOnly="0" insertOnly="0"/>
      <property name="unknownFields" type="string" readOnly="0" insertOnly="0"/>
    </class>
    <class name="KalturaSubThing" base="KalturaThing">
      <property name="streamId" type="string" readOnly="0" insertOnly="0"/>
      <property name="list" type="array" arrayType="KalturaThing" readOnly="0" insertOnly="0"/>
    </class>
    <class name="KalturaFTPProfile">
      <property name="color" type="int" enumType="KalturaColor" readOnly="0" insertOnly="0"/>
    </class>
    <class name="KalturaFtpProfile" plugin="ftp"/>
  </classes>
  <services>
    <service id="bulkupload" name="bulkUpload">
      <action name="get" enableInMultiRequest="1">
        <param name="self" type="int" optional="0"/>
        <param name="entryId" type="string" optional="0"/>
        <param name="entry_id" type="string" optional="1" default="null"/>
        <result type="KalturaThing"/>
      </action>
      <action name="list" enableInMultiRequest="1">
        <result type="array" arrayType="KalturaThing"/>
      </action>
    </service>
    <service id="bulkupload_bulkupload" name="bulkUpload" plugin="bulkUpload">
      <action name="import" enableInMultiRequest="1"><result/></action>
    </service>
    <service id="upload" name="upload">
      <action name="upload" enableInMultiRequest="1">
        <param name="fileData" type="file" optional="0"/>
        <result type="string"/>
      </action>
    </service>
  </services>
  <plugins/>
</xml>
"""


def test_each_clash_rule_on_a_small_schema() -> None:
    schema = parse_schema(_SMALL)
    plan = plan_names(schema)
    assert [c.describe() for c in plan.clashes] == [
        "enum/type class in kaltura_async.types + kaltura_async.enums: 'Thing' wanted by "
        "class KalturaThing -> Thing, enum KalturaThing -> Thing2",
        "types module in kaltura_async.types: 'ftp_profile' wanted by "
        "KalturaFTPProfile -> ftp_profile, KalturaFtpProfile -> ftp_profile_2",
        "field in KalturaThing: 'unknown_fields' wanted by "
        "KalturaObject.unknown_fields -> unknown_fields, unknownFields -> unknown_fields_2",
        "field in KalturaSubThing: 'stream_id' wanted by "
        "KalturaThing.streamID -> stream_id, streamId -> stream_id_2",
        "service in KalturaClient: 'upload' wanted by "
        "KalturaClient.upload -> upload, upload -> upload_service",
        "service in KalturaClient: 'bulk_upload' wanted by "
        "bulkupload -> bulk_upload, bulkupload_bulkupload -> bulk_upload_bulk_upload",
        "parameter in bulkUpload.get: 'self' wanted by the method's self -> self, self -> self_2",
        "parameter in bulkUpload.get: 'entry_id' wanted by "
        "entryId -> entry_id, entry_id -> entry_id_2",
    ]
    assert plan.fields["KalturaThing"] == {
        "streamID": "stream_id",
        "not": "not_",
        "unknownFields": "unknown_fields_2",
    }
    assert plan.enum_members["KalturaThing"] == {
        "virusScan.Infected": "virusScan_Infected",
        "1080P": "_1080P",
    }
    assert plan.methods["bulkupload_bulkupload"] == {"import": "import_"}
    assert plan.services["upload"] == ("upload_service", "UploadService")

    files = render_all(schema)
    for rel, text in files.items():
        if rel.endswith(".py"):
            compile(text, rel, "exec")  # every resolution yields valid Python
    sub = files["types/sub_thing.py"]
    # a field named like a builtin shadows it in the class body: annotations say builtins.list
    assert "list: builtins.list[Thing] | None | UnsetType = UNSET" in sub
    service = files["services/bulk_upload.py"]
    assert "def list(" in service and "-> Call[builtins.list[Thing]]:" in service
    assert "self_2: int" in service and '"self": self_2' in service
