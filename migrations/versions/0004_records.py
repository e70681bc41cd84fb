"""Records: accounts, contracts, candidates, distributors (acs), contract categories and document
requirements (idm), documents, pages and bundles (doc).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from shared_code.core.models import utcnow

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('Account',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('tenantId', sa.Uuid(), nullable=False),
    sa.Column('name', sa.Unicode(length=200), nullable=False),
    sa.Column('number', sa.Unicode(length=50), nullable=False),
    sa.Column('gln', sa.Unicode(length=13), nullable=True),
    sa.Column('hin', sa.Unicode(length=9), nullable=True),
    sa.Column('dea', sa.Unicode(length=9), nullable=True),
    sa.Column('accountType', sa.Unicode(length=30), server_default='other', nullable=False),
    sa.Column('status', sa.Unicode(length=20), server_default='active', nullable=False),
    sa.Column('parentId', sa.Uuid(), nullable=True),
    sa.Column('addressLine1', sa.Unicode(length=200), nullable=True),
    sa.Column('addressLine2', sa.Unicode(length=200), nullable=True),
    sa.Column('city', sa.Unicode(length=100), nullable=True),
    sa.Column('state', sa.Unicode(length=50), nullable=True),
    sa.Column('postalCode', sa.Unicode(length=20), nullable=True),
    sa.Column('country', sa.Unicode(length=2), server_default='US', nullable=False),
    sa.Column('contactName', sa.Unicode(length=200), nullable=True),
    sa.Column('contactEmail', sa.Unicode(length=320), nullable=True),
    sa.Column('phone', sa.Unicode(length=40), nullable=True),
    sa.Column('createdAt', sa.DateTime(timezone=True), server_default=utcnow(), nullable=False),
    sa.Column('updatedAt', sa.DateTime(timezone=True), server_default=utcnow(), nullable=False),
    sa.Column('createdBy', sa.Uuid(), nullable=True),
    sa.Column('updatedBy', sa.Uuid(), nullable=True),
    sa.Column('deletedAt', sa.DateTime(timezone=True), nullable=True),
    sa.Column('deletedBy', sa.Uuid(), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.CheckConstraint("status IN ('active', 'inactive', 'prospect')", name=op.f('CK_Account_status')),
    sa.CheckConstraint('"accountType" IN (\'health_system\', \'hospital\', \'clinic\', \'physician_practice\', \'pharmacy\', \'long_term_care\', \'other\')', name=op.f('CK_Account_accountType')),
    sa.ForeignKeyConstraint(['parentId'], ['acs.Account.id'], name=op.f('FK_Account_parentId_Account')),
    sa.ForeignKeyConstraint(['tenantId'], ['core.Tenant.id'], name=op.f('FK_Account_tenantId_Tenant')),
    sa.PrimaryKeyConstraint('id', name=op.f('PK_Account')),
    sa.UniqueConstraint('tenantId', 'number', name=op.f('UQ_Account_tenantId_number')),
    schema='acs'
    )
    op.create_index(op.f('IX_Account_tenantId'), 'Account', ['tenantId'], unique=False, schema='acs')
    op.create_index(op.f('IX_Account_tenantId_createdAt'), 'Account', ['tenantId', 'createdAt'], unique=False, schema='acs')
    op.create_index(op.f('IX_Account_tenantId_name'), 'Account', ['tenantId', 'name'], unique=False, schema='acs')
    op.create_index(op.f('IX_Account_tenantId_parentId'), 'Account', ['tenantId', 'parentId'], unique=False, schema='acs')
    op.create_index(op.f('IX_Account_tenantId_status_name'), 'Account', ['tenantId', 'status', 'name'], unique=False, schema='acs')
    op.create_table('Distributor',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('tenantId', sa.Uuid(), nullable=False),
    sa.Column('code', sa.Unicode(length=50), nullable=False),
    sa.Column('name', sa.Unicode(length=200), nullable=False),
    sa.Column('status', sa.Unicode(length=20), server_default='active', nullable=False),
    sa.Column('contactEmail', sa.Unicode(length=320), nullable=True),
    sa.Column('phone', sa.Unicode(length=40), nullable=True),
    sa.Column('createdAt', sa.DateTime(timezone=True), server_default=utcnow(), nullable=False),
    sa.Column('updatedAt', sa.DateTime(timezone=True), server_default=utcnow(), nullable=False),
    sa.Column('createdBy', sa.Uuid(), nullable=True),
    sa.Column('updatedBy', sa.Uuid(), nullable=True),
    sa.Column('deletedAt', sa.DateTime(timezone=True), nullable=True),
    sa.Column('deletedBy', sa.Uuid(), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.CheckConstraint("status IN ('active', 'inactive')", name=op.f('CK_Distributor_status')),
    sa.ForeignKeyConstraint(['tenantId'], ['core.Tenant.id'], name=op.f('FK_Distributor_tenantId_Tenant')),
    sa.PrimaryKeyConstraint('id', name=op.f('PK_Distributor')),
    sa.UniqueConstraint('tenantId', 'code', name=op.f('UQ_Distributor_tenantId_code')),
    schema='acs'
    )
    op.create_index(op.f('IX_Distributor_tenantId'), 'Distributor', ['tenantId'], unique=False, schema='acs')
    op.create_index(op.f('IX_Distributor_tenantId_name'), 'Distributor', ['tenantId', 'name'], unique=False, schema='acs')
    op.create_table('ContractCategory',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('tenantId', sa.Uuid(), nullable=False),
    sa.Column('code', sa.Unicode(length=50), nullable=False),
    sa.Column('name', sa.Unicode(length=200), nullable=False),
    sa.Column('description', sa.Unicode(length=1000), nullable=True),
    sa.Column('createdAt', sa.DateTime(timezone=True), server_default=utcnow(), nullable=False),
    sa.Column('updatedAt', sa.DateTime(timezone=True), server_default=utcnow(), nullable=False),
    sa.Column('createdBy', sa.Uuid(), nullable=True),
    sa.Column('updatedBy', sa.Uuid(), nullable=True),
    sa.Column('deletedAt', sa.DateTime(timezone=True), nullable=True),
    sa.Column('deletedBy', sa.Uuid(), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.ForeignKeyConstraint(['tenantId'], ['core.Tenant.id'], name=op.f('FK_ContractCategory_tenantId_Tenant')),
    sa.PrimaryKeyConstraint('id', name=op.f('PK_ContractCategory')),
    sa.UniqueConstraint('tenantId', 'code', name=op.f('UQ_ContractCategory_tenantId_code')),
    schema='idm'
    )
    op.create_index(op.f('IX_ContractCategory_tenantId'), 'ContractCategory', ['tenantId'], unique=False, schema='idm')
    op.create_table('AccountDistributor',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('tenantId', sa.Uuid(), nullable=False),
    sa.Column('accountId', sa.Uuid(), nullable=False),
    sa.Column('distributorId', sa.Uuid(), nullable=False),
    sa.Column('territory', sa.Unicode(length=100), nullable=True),
    sa.Column('isPrimary', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('createdAt', sa.DateTime(timezone=True), server_default=utcnow(), nullable=False),
    sa.Column('updatedAt', sa.DateTime(timezone=True), server_default=utcnow(), nullable=False),
    sa.Column('createdBy', sa.Uuid(), nullable=True),
    sa.Column('updatedBy', sa.Uuid(), nullable=True),
    sa.Column('deletedAt', sa.DateTime(timezone=True), nullable=True),
    sa.Column('deletedBy', sa.Uuid(), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.ForeignKeyConstraint(['accountId'], ['acs.Account.id'], name=op.f('FK_AccountDistributor_accountId_Account')),
    sa.ForeignKeyConstraint(['distributorId'], ['acs.Distributor.id'], name=op.f('FK_AccountDistributor_distributorId_Distributor')),
    sa.ForeignKeyConstraint(['tenantId'], ['core.Tenant.id'], name=op.f('FK_AccountDistributor_tenantId_Tenant')),
    sa.PrimaryKeyConstraint('id', name=op.f('PK_AccountDistributor')),
    sa.UniqueConstraint('tenantId', 'accountId', 'distributorId', name=op.f('UQ_AccountDistributor_tenantId_accountId_distributorId')),
    schema='acs'
    )
    op.create_index(op.f('IX_AccountDistributor_tenantId'), 'AccountDistributor', ['tenantId'], unique=False, schema='acs')
    op.create_index(op.f('IX_AccountDistributor_tenantId_distributorId'), 'AccountDistributor', ['tenantId', 'distributorId'], unique=False, schema='acs')
    op.create_table('Contract',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('tenantId', sa.Uuid(), nullable=False),
    sa.Column('number', sa.Unicode(length=50), nullable=False),
    sa.Column('name', sa.Unicode(length=200), nullable=False),
    sa.Column('supplier', sa.Unicode(length=200), nullable=True),
    sa.Column('categoryId', sa.Uuid(), nullable=True),
    sa.Column('tier', sa.Unicode(length=50), nullable=True),
    sa.Column('startsOn', sa.Date(), nullable=True),
    sa.Column('endsOn', sa.Date(), nullable=True),
    sa.Column('status', sa.Unicode(length=20), server_default='draft', nullable=False),
    sa.Column('description', sa.Unicode(length=2000), nullable=True),
    sa.Column('createdAt', sa.DateTime(timezone=True), server_default=utcnow(), nullable=False),
    sa.Column('updatedAt', sa.DateTime(timezone=True), server_default=utcnow(), nullable=False),
    sa.Column('createdBy', sa.Uuid(), nullable=True),
    sa.Column('updatedBy', sa.Uuid(), nullable=True),
    sa.Column('deletedAt', sa.DateTime(timezone=True), nullable=True),
    sa.Column('deletedBy', sa.Uuid(), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.CheckConstraint("status IN ('draft', 'active', 'expired', 'terminated')", name=op.f('CK_Contract_status')),
    sa.ForeignKeyConstraint(['categoryId'], ['idm.ContractCategory.id'], name=op.f('FK_Contract_categoryId_ContractCategory')),
    sa.ForeignKeyConstraint(['tenantId'], ['core.Tenant.id'], name=op.f('FK_Contract_tenantId_Tenant')),
    sa.PrimaryKeyConstraint('id', name=op.f('PK_Contract')),
    sa.UniqueConstraint('tenantId', 'number', name=op.f('UQ_Contract_tenantId_number')),
    schema='acs'
    )
    op.create_index(op.f('IX_Contract_tenantId'), 'Contract', ['tenantId'], unique=False, schema='acs')
    op.create_index(op.f('IX_Contract_tenantId_categoryId'), 'Contract', ['tenantId', 'categoryId'], unique=False, schema='acs')
    op.create_index(op.f('IX_Contract_tenantId_createdAt'), 'Contract', ['tenantId', 'createdAt'], unique=False, schema='acs')
    op.create_index(op.f('IX_Contract_tenantId_name'), 'Contract', ['tenantId', 'name'], unique=False, schema='acs')
    op.create_index(op.f('IX_Contract_tenantId_status_endsOn'), 'Contract', ['tenantId', 'status', 'endsOn'], unique=False, schema='acs')
    op.create_table('Candidate',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('tenantId', sa.Uuid(), nullable=False),
    sa.Column('accountId', sa.Uuid(), nullable=False),
    sa.Column('contractId', sa.Uuid(), nullable=False),
    sa.Column('status', sa.Unicode(length=20), server_default='eligible', nullable=False),
    sa.Column('invitedAt', sa.DateTime(timezone=True), nullable=True),
    sa.Column('sentAt', sa.DateTime(timezone=True), nullable=True),
    sa.Column('returnedAt', sa.DateTime(timezone=True), nullable=True),
    sa.Column('activatedAt', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closedAt', sa.DateTime(timezone=True), nullable=True),
    sa.Column('notes', sa.Unicode(length=2000), nullable=True),
    sa.Column('createdAt', sa.DateTime(timezone=True), server_default=utcnow(), nullable=False),
    sa.Column('updatedAt', sa.DateTime(timezone=True), server_default=utcnow(), nullable=False),
    sa.Column('createdBy', sa.Uuid(), nullable=True),
    sa.Column('updatedBy', sa.Uuid(), nullable=True),
    sa.Column('deletedAt', sa.DateTime(timezone=True), nullable=True),
    sa.Column('deletedBy', sa.Uuid(), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.CheckConstraint("status IN ('eligible', 'invited', 'sent', 'returned', 'activated', 'declined', 'expired')", name=op.f('CK_Candidate_status')),
    sa.ForeignKeyConstraint(['accountId'], ['acs.Account.id'], name=op.f('FK_Candidate_accountId_Account')),
    sa.ForeignKeyConstraint(['contractId'], ['acs.Contract.id'], name=op.f('FK_Candidate_contractId_Contract')),
    sa.ForeignKeyConstraint(['tenantId'], ['core.Tenant.id'], name=op.f('FK_Candidate_tenantId_Tenant')),
    sa.PrimaryKeyConstraint('id', name=op.f('PK_Candidate')),
    sa.UniqueConstraint('tenantId', 'accountId', 'contractId', name=op.f('UQ_Candidate_tenantId_accountId_contractId')),
    schema='acs'
    )
    op.create_index(op.f('IX_Candidate_tenantId'), 'Candidate', ['tenantId'], unique=False, schema='acs')
    op.create_index(op.f('IX_Candidate_tenantId_contractId_status'), 'Candidate', ['tenantId', 'contractId', 'status'], unique=False, schema='acs')
    op.create_index(op.f('IX_Candidate_tenantId_status_updatedAt'), 'Candidate', ['tenantId', 'status', 'updatedAt'], unique=False, schema='acs')
    op.create_table('Bundle',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('tenantId', sa.Uuid(), nullable=False),
    sa.Column('name', sa.Unicode(length=200), nullable=False),
    sa.Column('description', sa.Unicode(length=2000), nullable=True),
    sa.Column('status', sa.Unicode(length=20), server_default='open', nullable=False),
    sa.Column('accountId', sa.Uuid(), nullable=True),
    sa.Column('contractId', sa.Uuid(), nullable=True),
    sa.Column('createdAt', sa.DateTime(timezone=True), server_default=utcnow(), nullable=False),
    sa.Column('updatedAt', sa.DateTime(timezone=True), server_default=utcnow(), nullable=False),
    sa.Column('createdBy', sa.Uuid(), nullable=True),
    sa.Column('updatedBy', sa.Uuid(), nullable=True),
    sa.Column('deletedAt', sa.DateTime(timezone=True), nullable=True),
    sa.Column('deletedBy', sa.Uuid(), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.CheckConstraint("status IN ('open', 'closed')", name=op.f('CK_Bundle_status')),
    sa.ForeignKeyConstraint(['accountId'], ['acs.Account.id'], name=op.f('FK_Bundle_accountId_Account')),
    sa.ForeignKeyConstraint(['contractId'], ['acs.Contract.id'], name=op.f('FK_Bundle_contractId_Contract')),
    sa.ForeignKeyConstraint(['tenantId'], ['core.Tenant.id'], name=op.f('FK_Bundle_tenantId_Tenant')),
    sa.PrimaryKeyConstraint('id', name=op.f('PK_Bundle')),
    schema='doc'
    )
    op.create_index(op.f('IX_Bundle_tenantId'), 'Bundle', ['tenantId'], unique=False, schema='doc')
    op.create_index(op.f('IX_Bundle_tenantId_name'), 'Bundle', ['tenantId', 'name'], unique=False, schema='doc')
    op.create_table('Document',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('tenantId', sa.Uuid(), nullable=False),
    sa.Column('title', sa.Unicode(length=300), nullable=False),
    sa.Column('fileName', sa.Unicode(length=300), nullable=False),
    sa.Column('container', sa.Unicode(length=63), nullable=False),
    sa.Column('blobName', sa.Unicode(length=500), nullable=False),
    sa.Column('contentType', sa.Unicode(length=100), nullable=False),
    sa.Column('sizeBytes', sa.BigInteger(), nullable=False),
    sa.Column('sha256', sa.Unicode(length=64), nullable=False),
    sa.Column('pageCount', sa.Integer(), nullable=True),
    sa.Column('status', sa.Unicode(length=20), server_default='uploaded', nullable=False),
    sa.Column('documentType', sa.Unicode(length=50), nullable=True),
    sa.Column('accountId', sa.Uuid(), nullable=True),
    sa.Column('contractId', sa.Uuid(), nullable=True),
    sa.Column('templateId', sa.Uuid(), nullable=True),
    sa.Column('generationId', sa.Uuid(), nullable=True),
    sa.Column('thumbnailBlob', sa.Unicode(length=500), nullable=True),
    sa.Column('description', sa.Unicode(length=2000), nullable=True),
    sa.Column('attributes', sa.JSON(), nullable=False),
    sa.Column('createdAt', sa.DateTime(timezone=True), server_default=utcnow(), nullable=False),
    sa.Column('updatedAt', sa.DateTime(timezone=True), server_default=utcnow(), nullable=False),
    sa.Column('createdBy', sa.Uuid(), nullable=True),
    sa.Column('updatedBy', sa.Uuid(), nullable=True),
    sa.Column('deletedAt', sa.DateTime(timezone=True), nullable=True),
    sa.Column('deletedBy', sa.Uuid(), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.CheckConstraint("status IN ('draft', 'uploaded', 'processing', 'review', 'failed', 'completed', 'archived', 'deleted')", name=op.f('CK_Document_status')),
    sa.ForeignKeyConstraint(['accountId'], ['acs.Account.id'], name=op.f('FK_Document_accountId_Account')),
    sa.ForeignKeyConstraint(['contractId'], ['acs.Contract.id'], name=op.f('FK_Document_contractId_Contract')),
    sa.ForeignKeyConstraint(['documentType'], ['core.DocumentType.code'], name=op.f('FK_Document_documentType_DocumentType')),
    sa.ForeignKeyConstraint(['tenantId'], ['core.Tenant.id'], name=op.f('FK_Document_tenantId_Tenant')),
    sa.PrimaryKeyConstraint('id', name=op.f('PK_Document')),
    schema='doc'
    )
    op.create_index(op.f('IX_Document_tenantId'), 'Document', ['tenantId'], unique=False, schema='doc')
    op.create_index(op.f('IX_Document_tenantId_accountId_createdAt'), 'Document', ['tenantId', 'accountId', 'createdAt'], unique=False, schema='doc')
    op.create_index(op.f('IX_Document_tenantId_contractId_createdAt'), 'Document', ['tenantId', 'contractId', 'createdAt'], unique=False, schema='doc')
    op.create_index(op.f('IX_Document_tenantId_createdAt'), 'Document', ['tenantId', 'createdAt'], unique=False, schema='doc')
    op.create_index(op.f('IX_Document_tenantId_sha256'), 'Document', ['tenantId', 'sha256'], unique=False, schema='doc')
    op.create_index(op.f('IX_Document_tenantId_status_createdAt'), 'Document', ['tenantId', 'status', 'createdAt'], unique=False, schema='doc')
    op.create_table('ContractRequirement',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('tenantId', sa.Uuid(), nullable=False),
    sa.Column('contractId', sa.Uuid(), nullable=True),
    sa.Column('categoryId', sa.Uuid(), nullable=True),
    sa.Column('documentType', sa.Unicode(length=50), nullable=False),
    sa.Column('required', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('description', sa.Unicode(length=500), nullable=True),
    sa.Column('createdAt', sa.DateTime(timezone=True), server_default=utcnow(), nullable=False),
    sa.Column('updatedAt', sa.DateTime(timezone=True), server_default=utcnow(), nullable=False),
    sa.Column('createdBy', sa.Uuid(), nullable=True),
    sa.Column('updatedBy', sa.Uuid(), nullable=True),
    sa.Column('deletedAt', sa.DateTime(timezone=True), nullable=True),
    sa.Column('deletedBy', sa.Uuid(), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.CheckConstraint('"contractId" IS NOT NULL OR "categoryId" IS NOT NULL', name=op.f('CK_ContractRequirement_for_contract_or_category')),
    sa.ForeignKeyConstraint(['categoryId'], ['idm.ContractCategory.id'], name=op.f('FK_ContractRequirement_categoryId_ContractCategory')),
    sa.ForeignKeyConstraint(['contractId'], ['acs.Contract.id'], name=op.f('FK_ContractRequirement_contractId_Contract')),
    sa.ForeignKeyConstraint(['documentType'], ['core.DocumentType.code'], name=op.f('FK_ContractRequirement_documentType_DocumentType')),
    sa.ForeignKeyConstraint(['tenantId'], ['core.Tenant.id'], name=op.f('FK_ContractRequirement_tenantId_Tenant')),
    sa.PrimaryKeyConstraint('id', name=op.f('PK_ContractRequirement')),
    schema='idm'
    )
    op.create_index(op.f('IX_ContractRequirement_tenantId'), 'ContractRequirement', ['tenantId'], unique=False, schema='idm')
    op.create_index(op.f('IX_ContractRequirement_tenantId_categoryId'), 'ContractRequirement', ['tenantId', 'categoryId'], unique=False, schema='idm')
    op.create_index(op.f('IX_ContractRequirement_tenantId_contractId'), 'ContractRequirement', ['tenantId', 'contractId'], unique=False, schema='idm')
    op.create_table('BundleDocument',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('tenantId', sa.Uuid(), nullable=False),
    sa.Column('bundleId', sa.Uuid(), nullable=False),
    sa.Column('documentId', sa.Uuid(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['bundleId'], ['doc.Bundle.id'], name=op.f('FK_BundleDocument_bundleId_Bundle'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['documentId'], ['doc.Document.id'], name=op.f('FK_BundleDocument_documentId_Document')),
    sa.ForeignKeyConstraint(['tenantId'], ['core.Tenant.id'], name=op.f('FK_BundleDocument_tenantId_Tenant')),
    sa.PrimaryKeyConstraint('id', name=op.f('PK_BundleDocument')),
    sa.UniqueConstraint('bundleId', 'documentId', name=op.f('UQ_BundleDocument_bundleId_documentId')),
    schema='doc'
    )
    op.create_index(op.f('IX_BundleDocument_bundleId_position'), 'BundleDocument', ['bundleId', 'position'], unique=False, schema='doc')
    op.create_index(op.f('IX_BundleDocument_tenantId'), 'BundleDocument', ['tenantId'], unique=False, schema='doc')
    op.create_table('Page',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('tenantId', sa.Uuid(), nullable=False),
    sa.Column('documentId', sa.Uuid(), nullable=False),
    sa.Column('pageNumber', sa.Integer(), nullable=False),
    sa.Column('widthPoints', sa.Double(), nullable=False),
    sa.Column('heightPoints', sa.Double(), nullable=False),
    sa.Column('rotation', sa.Integer(), server_default='0', nullable=False),
    sa.ForeignKeyConstraint(['documentId'], ['doc.Document.id'], name=op.f('FK_Page_documentId_Document'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenantId'], ['core.Tenant.id'], name=op.f('FK_Page_tenantId_Tenant')),
    sa.PrimaryKeyConstraint('id', name=op.f('PK_Page')),
    sa.UniqueConstraint('documentId', 'pageNumber', name=op.f('UQ_Page_documentId_pageNumber')),
    schema='doc'
    )
    op.create_index(op.f('IX_Page_tenantId'), 'Page', ['tenantId'], unique=False, schema='doc')


def downgrade() -> None:
    op.drop_index(op.f('IX_Page_tenantId'), table_name='Page', schema='doc')
    op.drop_table('Page', schema='doc')
    op.drop_index(op.f('IX_BundleDocument_tenantId'), table_name='BundleDocument', schema='doc')
    op.drop_index(op.f('IX_BundleDocument_bundleId_position'), table_name='BundleDocument', schema='doc')
    op.drop_table('BundleDocument', schema='doc')
    op.drop_index(op.f('IX_ContractRequirement_tenantId_contractId'), table_name='ContractRequirement', schema='idm')
    op.drop_index(op.f('IX_ContractRequirement_tenantId_categoryId'), table_name='ContractRequirement', schema='idm')
    op.drop_index(op.f('IX_ContractRequirement_tenantId'), table_name='ContractRequirement', schema='idm')
    op.drop_table('ContractRequirement', schema='idm')
    op.drop_index(op.f('IX_Document_tenantId_status_createdAt'), table_name='Document', schema='doc')
    op.drop_index(op.f('IX_Document_tenantId_sha256'), table_name='Document', schema='doc')
    op.drop_index(op.f('IX_Document_tenantId_createdAt'), table_name='Document', schema='doc')
    op.drop_index(op.f('IX_Document_tenantId_contractId_createdAt'), table_name='Document', schema='doc')
    op.drop_index(op.f('IX_Document_tenantId_accountId_createdAt'), table_name='Document', schema='doc')
    op.drop_index(op.f('IX_Document_tenantId'), table_name='Document', schema='doc')
    op.drop_table('Document', schema='doc')
    op.drop_index(op.f('IX_Bundle_tenantId_name'), table_name='Bundle', schema='doc')
    op.drop_index(op.f('IX_Bundle_tenantId'), table_name='Bundle', schema='doc')
    op.drop_table('Bundle', schema='doc')
    op.drop_index(op.f('IX_Candidate_tenantId_status_updatedAt'), table_name='Candidate', schema='acs')
    op.drop_index(op.f('IX_Candidate_tenantId_contractId_status'), table_name='Candidate', schema='acs')
    op.drop_index(op.f('IX_Candidate_tenantId'), table_name='Candidate', schema='acs')
    op.drop_table('Candidate', schema='acs')
    op.drop_index(op.f('IX_Contract_tenantId_status_endsOn'), table_name='Contract', schema='acs')
    op.drop_index(op.f('IX_Contract_tenantId_name'), table_name='Contract', schema='acs')
    op.drop_index(op.f('IX_Contract_tenantId_createdAt'), table_name='Contract', schema='acs')
    op.drop_index(op.f('IX_Contract_tenantId_categoryId'), table_name='Contract', schema='acs')
    op.drop_index(op.f('IX_Contract_tenantId'), table_name='Contract', schema='acs')
    op.drop_table('Contract', schema='acs')
    op.drop_index(op.f('IX_AccountDistributor_tenantId_distributorId'), table_name='AccountDistributor', schema='acs')
    op.drop_index(op.f('IX_AccountDistributor_tenantId'), table_name='AccountDistributor', schema='acs')
    op.drop_table('AccountDistributor', schema='acs')
    op.drop_index(op.f('IX_ContractCategory_tenantId'), table_name='ContractCategory', schema='idm')
    op.drop_table('ContractCategory', schema='idm')
    op.drop_index(op.f('IX_Distributor_tenantId_name'), table_name='Distributor', schema='acs')
    op.drop_index(op.f('IX_Distributor_tenantId'), table_name='Distributor', schema='acs')
    op.drop_table('Distributor', schema='acs')
    op.drop_index(op.f('IX_Account_tenantId_status_name'), table_name='Account', schema='acs')
    op.drop_index(op.f('IX_Account_tenantId_parentId'), table_name='Account', schema='acs')
    op.drop_index(op.f('IX_Account_tenantId_name'), table_name='Account', schema='acs')
    op.drop_index(op.f('IX_Account_tenantId_createdAt'), table_name='Account', schema='acs')
    op.drop_index(op.f('IX_Account_tenantId'), table_name='Account', schema='acs')
    op.drop_table('Account', schema='acs')
